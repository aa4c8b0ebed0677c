using Microsoft.Extensions.Logging;
using VisionFlow.Connections.Failures;

namespace VisionFlow.Connections.Link;

/// <summary>
/// Polls the agent listing of a server without push, one session at a time: at the fastest pace while it changes or a
/// command of ours is in flight, doubling the wait up to the slowest while nothing changes, and at once after each
/// command, so a command's effect shows within one round trip.
/// </summary>
internal sealed partial class ListingPoller(McpLinkOptions options, TimeProvider time, ILogger logger)
{
    private int _commandsInFlight;
    private TaskCompletionSource _wake = NewWake();

    /// <summary>A command that changes the server's state started: the poller keeps its fastest pace meanwhile.</summary>
    public void CommandStarted() => Interlocked.Increment(ref _commandsInFlight);

    /// <summary>That command ended: poll at once.</summary>
    public void CommandEnded()
    {
        Interlocked.Decrement(ref _commandsInFlight);
        Interlocked.Exchange(ref _wake, NewWake()).TrySetResult();
    }

    /// <summary>
    /// Polls for <paramref name="session"/> until <paramref name="stop"/>: <paramref name="list"/> reads the listing
    /// (through the request pipeline), <paramref name="apply"/> hands it on and says whether it changed anything.
    /// Ends quietly when the link is down (the next session starts its own poller).
    /// </summary>
    public async Task RunAsync(
        long session, Func<CancellationToken, ValueTask<byte[]>> list, Func<long, byte[], CancellationToken, ValueTask<bool>> apply, CancellationToken stop)
    {
        var fastest = options.PollMinInterval;
        var slowest = options.EffectivePollMaxInterval;
        var period = fastest;
        McpFailureKind? reported = null;
        while (!stop.IsCancellationRequested)
        {
            var wake = Volatile.Read(ref _wake).Task;
            using (var delay = CancellationTokenSource.CreateLinkedTokenSource(stop))
            {
                var elapsed = Task.Delay(period, time, delay.Token);
                await Task.WhenAny(elapsed, wake).ConfigureAwait(false);
                await delay.CancelAsync().ConfigureAwait(false);
            }

            if (stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                var listing = await list(stop).ConfigureAwait(false);
                var changed = await apply(session, listing, stop).ConfigureAwait(false);
                period = changed || Volatile.Read(ref _commandsInFlight) > 0 ? fastest : McpLinkOptions.Min(period * 2, slowest);
                reported = null;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (McpUnavailableException)
            {
                return; // the session is over; the next one starts its own poller
            }
#pragma warning disable CA1031 // a failed poll is reported and the next one tried; the request path already acted on link failures
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var failure = FailureClassifier.Classify(ex);
                if (failure.Kind != reported)
                {
                    LogPollFailed(logger, failure.KindName, failure.Message);
                    reported = failure.Kind;
                }

                period = slowest;
            }
        }
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 2407, Level = LogLevel.Warning, Message = "MCP agent listing poll failed ({Kind}): {Error}; polling on at the slowest pace")]
    private static partial void LogPollFailed(ILogger logger, string kind, string error);
}

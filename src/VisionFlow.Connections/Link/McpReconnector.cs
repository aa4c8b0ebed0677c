using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;
using VisionFlow.Connections.Failures;
using VisionFlow.Connections.Resilience;

namespace VisionFlow.Connections.Link;

/// <summary>
/// Makes connection attempts until one opens a session: quick attempts at <see cref="McpLinkOptions.ReconnectDelay"/>,
/// then probes backing off up to <see cref="McpLinkOptions.MaxProbeDelay"/>, never giving up. Each attempt is bounded
/// (the first by <see cref="McpLinkOptions.ConnectionTimeout"/>; after a loss by
/// <see cref="McpLinkOptions.ReconnectAttemptTimeout"/>, doubled per timed-out attempt), runs through the attempts
/// pipeline (which the circuit breaker records), and is logged once per kind of trouble, not once per attempt.
/// </summary>
internal sealed partial class McpReconnector(
    McpLinkOptions options,
    LinkStateMachine state,
    LinkHealthPolicy policy,
    ResiliencePipeline attempts,
    Func<CancellationToken, Task> connectOnce,
    TimeProvider time,
    ILogger logger,
    CancellationToken stopping)
{
    private Task _loop = Task.CompletedTask;

    /// <summary>The latest run (awaited when the link stops).</summary>
    public Task Completion => Volatile.Read(ref _loop);

    /// <summary>
    /// Starts a run of attempts in the background. Called once per transition into connecting (the link's start, the
    /// loss of a session), so runs never overlap in their attempts. Never runs in the caller's context: a reconnect is
    /// often started by a failing request, and its attempts (and the poller a session starts) must not be traced as part
    /// of a request long answered.
    /// </summary>
    public void Run(bool initial) => Background.Detached(() => Volatile.Write(ref _loop, Task.Run(() => LoopAsync(initial))));

    /// <summary>Probe delay after failed attempt <paramref name="attempt"/> (1-based): the quick delay, then doubling up to the cap.</summary>
    public static TimeSpan DelayAfter(McpLinkOptions options, int attempt)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (attempt < options.ReconnectAttempts)
        {
            return options.ReconnectDelay;
        }

        var exponent = Math.Min(attempt - Math.Max(options.ReconnectAttempts, 1) + 1, 30);
        var ms = options.ReconnectDelay.TotalMilliseconds * Math.Pow(2, exponent);
        return TimeSpan.FromMilliseconds(Math.Min(ms, options.EffectiveMaxProbeDelay.TotalMilliseconds));
    }

    private static string Seconds(TimeSpan delay) =>
        delay < TimeSpan.FromSeconds(1) ? $"{delay.TotalMilliseconds:0} ms" : $"{delay.TotalSeconds:0.#} s";

    private async Task LoopAsync(bool initial)
    {
        var bound = initial ? options.ConnectionTimeout : McpLinkOptions.Min(options.ReconnectAttemptTimeout, options.ConnectionTimeout);
        McpFailureKind? reported = null;
        for (var attempt = 1; ; attempt++)
        {
            if (!state.BeginAttempt(attempt))
            {
                return;
            }

            state.Publish();
            McpFailure failure;
            Exception? unexpected = null;
            var context = ResilienceContextPool.Shared.Get(stopping);
            try
            {
                context.Properties.Set(McpResilience.AttemptBoundKey, bound);
                await attempts.ExecuteAsync(static async (ctx, connect) => await connect(ctx.CancellationToken).ConfigureAwait(false), context, connectOnce).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (TimeoutRejectedException ex)
            {
                failure = FailureClassifier.Classify(ex);
                bound = TimeSpan.FromTicks(Math.Min(bound.Ticks * 2, options.ConnectionTimeout.Ticks));
            }
#pragma warning disable CA1031 // every failed attempt is classified, reported and retried
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failure = FailureClassifier.Classify(ex);
                unexpected = failure.IsExpected ? null : ex;
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }

            policy.OnAttemptFailed(failure);
            var delay = DelayAfter(options, attempt);
            var everConnected = state.AttemptFailed(failure, delay, Seconds(delay));
            if (unexpected is not null)
            {
                LogAttemptFailedUnexpectedly(logger, options.Address, unexpected);
            }
            else if (reported != failure.Kind)
            {
                // One line per kind of trouble, not one per attempt: a peer down for an hour must not flood the log.
                if (everConnected)
                {
                    LogStillDown(logger, options.Address, failure.Phrase, failure.Message, Seconds(delay));
                }
                else
                {
                    LogNotReached(logger, options.Address, failure.Phrase, failure.Message, Seconds(delay), options.Remedy);
                }
            }
            else
            {
                LogAttemptFailed(logger, attempt, options.Address, failure.KindName, failure.Message);
            }

            reported = failure.Kind;
            try
            {
                await Task.Delay(delay, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "MCP server {Address} {Phrase} ({Error}); retrying in {Delay}. {Remedy}")]
    private static partial void LogNotReached(ILogger logger, string address, string phrase, string error, string delay, string remedy);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Warning, Message = "MCP server {Address} still down: it {Phrase} ({Error}); retrying in {Delay}")]
    private static partial void LogStillDown(ILogger logger, string address, string phrase, string error, string delay);

    [LoggerMessage(EventId = 2404, Level = LogLevel.Debug, Message = "MCP connection attempt {Attempt} to {Address} failed ({Kind}): {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, int attempt, string address, string kind, string error);

    [LoggerMessage(EventId = 2405, Level = LogLevel.Error, Message = "MCP connection attempt to {Address} failed unexpectedly")]
    private static partial void LogAttemptFailedUnexpectedly(ILogger logger, string address, Exception exception);
}

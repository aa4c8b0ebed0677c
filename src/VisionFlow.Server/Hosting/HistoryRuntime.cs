using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VisionFlow.Server.History;
using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Hosting;

/// <summary>
/// Opens the history folder and starts the tap once Kestrel listens (off the start-up path, like the MCP link: opening
/// reads every segment's index, which grows with what was recorded), and on stop unsubscribes the tap and closes the
/// recorder, which writes what is pending and syncs. Registered after the runtime services, so it stops before them:
/// nothing is left subscribed to a pipeline being torn down.
/// </summary>
internal sealed class HistoryRuntime(RuntimeStart runtime, TimeProvider time, ILoggerFactory loggers, IHostApplicationLifetime lifetime) : IHostedService
{
    private HistoryService? _history;
    private HistoryTap? _tap;
    private Task _starting = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Its own thread, as the runtime's: opening reads every segment's index, and a pool worker busy with it is
        // one the first requests wait for.
        lifetime.ApplicationStarted.Register(() => _starting = Task.Factory.StartNew(() =>
        {
            var history = runtime.OpenHistory();
            _history = history;
            if (history.Recorder is { } recorder)
            {
                // Taken from the runtime as it is composed after the listener, not from the container before it, so
                // recording does not pull the link and physics back onto the start-up path.
                var (mcp, graph) = runtime.Compose();
                var tap = new HistoryTap(recorder, mcp, graph, time, loggers);
                tap.Start();
                _tap = tap;
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _starting.ConfigureAwait(false);
        if (_tap is { } tap)
        {
            await tap.DisposeAsync().ConfigureAwait(false);
        }

        // Never opened (stopped before the listener was up): nothing to close, and the container disposes what it made.
        if (_history is { } history)
        {
            await history.DisposeAsync().ConfigureAwait(false);
        }
    }
}

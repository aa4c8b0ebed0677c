using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Hosting;

/// <summary>
/// Composes and starts the runtime (<see cref="RuntimeStart"/>: MCP link, telemetry intake, knowledge graph, physics
/// with its device probe) in the background once Kestrel is listening, and stops it (graph first) with the host. None of
/// it is on the path to the first answer: the service answers <c>/api/health</c> first and reports those subsystems as
/// starting until they are up.
/// </summary>
internal sealed class RuntimeServices(RuntimeStart runtime, IHostApplicationLifetime lifetime, ILoggerFactory loggers) : IHostedService
{
    private Task _start = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // On a thread of its own, not a pool worker: the start is seconds of synchronous work (history scan, device
        // probe), and on a 2-core box the pool has two workers, so the first request would queue behind it.
        lifetime.ApplicationStarted.Register(() => _start = Task.Factory.StartNew(() =>
        {
            try
            {
                runtime.Run();
            }
            catch (Exception ex)
            {
                // Serving goes on: the health report says what failed, and readiness (and systemd's READY=1) never comes.
                Log.RuntimeStartFailed(loggers.CreateLogger("VisionFlow"), ex);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A stop during start-up waits for the start (a device probe is not interruptible), then undoes it.
        await _start.ConfigureAwait(false);
        if (runtime.Graph is { } graph)
        {
            await graph.DisposeAsync().ConfigureAwait(false);
        }

        if (runtime.Mcp is { } mcp)
        {
            await mcp.DisposeAsync().ConfigureAwait(false);
        }
    }
}

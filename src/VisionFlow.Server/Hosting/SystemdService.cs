using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Hosting;

/// <summary>
/// Tells systemd (<c>Type=notify</c>) where the service is: <c>READY=1</c> once it is ready — Kestrel listens (the
/// host's ApplicationStarted comes after the server has bound) and the runtime started after it has come up, as
/// <c>/api/health/ready</c> requires — <c>STOPPING=1</c> when a stop begins, and <c>WATCHDOG=1</c> at
/// half the configured <c>WatchdogSec=</c>, from a thread-pool timer, so a process whose pool is starved or wedged stops
/// pinging and is restarted.
/// </summary>
internal sealed class SystemdService(
    SystemdNotifier notifier,
    TimeSpan? watchdog,
    IServer server,
    IHostApplicationLifetime lifetime,
    RuntimeStart runtime,
    TimeProvider time) : IHostedService, IDisposable
{
    private ITimer? _watchdog;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            if (!runtime.Scheduled)
            {
                Ready();
                return;
            }

            // The listener answers before the runtime is up (health says "starting"); systemd starts dependants on
            // READY=1, so it waits for what readiness waits for: the runtime started, physics running.
            _ = runtime.Started.ContinueWith(
                started =>
                {
                    if (started.IsCompletedSuccessfully && !lifetime.ApplicationStopping.IsCancellationRequested)
                    {
                        Ready();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
        });
        lifetime.ApplicationStopping.Register(() =>
        {
            // The watchdog keeps pinging: a graceful stop is bounded by VISIONFLOW_SHUTDOWN_TIMEOUT and TimeoutStopSec=.
            notifier.Notify("STOPPING=1\nSTATUS=stopping");
        });
        if (watchdog is { } interval)
        {
            var period = interval / 2;
            _watchdog = time.CreateTimer(static s => ((SystemdNotifier)s!).Notify("WATCHDOG=1"), notifier, TimeSpan.Zero, period);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Ready()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        notifier.Notify($"READY=1\nSTATUS=serving on {string.Join(", ", addresses)}");
    }

    public void Dispose()
    {
        _watchdog?.Dispose();
        notifier.Dispose();
    }
}

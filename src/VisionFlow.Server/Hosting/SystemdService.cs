using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;

namespace VisionFlow.Server.Hosting;

/// <summary>
/// Tells systemd (<c>Type=notify</c>) where the service is: <c>READY=1</c> once Kestrel listens (the host's
/// ApplicationStarted comes after the server has bound), <c>STOPPING=1</c> when a stop begins, and <c>WATCHDOG=1</c> at
/// half the configured <c>WatchdogSec=</c>, from a thread-pool timer, so a process whose pool is starved or wedged stops
/// pinging and is restarted.
/// </summary>
internal sealed class SystemdService(
    SystemdNotifier notifier,
    TimeSpan? watchdog,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider time) : IHostedService, IDisposable
{
    private ITimer? _watchdog;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            notifier.Notify($"READY=1\nSTATUS=serving on {string.Join(", ", addresses)}");
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

    public void Dispose()
    {
        _watchdog?.Dispose();
        notifier.Dispose();
    }
}

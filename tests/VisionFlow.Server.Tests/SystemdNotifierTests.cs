using System.Net.Sockets;
using System.Text;
using VisionFlow.Server.Hosting;

namespace VisionFlow.Server.Tests;

/// <summary>The sd_notify datagrams themselves; the service's READY/STOPPING/WATCHDOG sequence is tested on the published binary.</summary>
public sealed class SystemdNotifierTests
{
    [Test]
    public async Task Notifies_a_path_socket_and_an_abstract_one()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vf-n-{Guid.NewGuid():N}"[..20] + ".sock");
        var name = "vf-test-" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            foreach (var (bindTo, env) in new[] { (path, path), ("\0" + name, "@" + name) })
            {
                using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
                listener.Bind(new UnixDomainSocketEndPoint(bindTo));
                using var notifier = SystemdNotifier.FromEnvironment(k => k == "NOTIFY_SOCKET" ? env : null)!;
                notifier.Notify("READY=1\nSTATUS=test");
                var buffer = new byte[256];
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var n = await listener.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                await Assert.That(Encoding.UTF8.GetString(buffer, 0, n)).IsEqualTo("READY=1\nSTATUS=test");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task Without_a_manager_nothing_is_set_up_and_a_vanished_socket_is_not_an_error()
    {
        await Assert.That(SystemdNotifier.FromEnvironment(_ => null)).IsNull();
        await Assert.That(SystemdNotifier.FromEnvironment(_ => "vsock:2:1234")).IsNull();
        using var orphan = SystemdNotifier.FromEnvironment(_ => "/nonexistent/notify.sock")!;
        orphan.Notify("READY=1");
    }

    [Test]
    public async Task Watchdog_interval_applies_only_to_this_process()
    {
        var pid = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Assert.That(SystemdNotifier.WatchdogInterval(k => k == "WATCHDOG_USEC" ? "3000000" : null)).IsEqualTo(TimeSpan.FromSeconds(3));
        await Assert.That(SystemdNotifier.WatchdogInterval(k => k switch { "WATCHDOG_USEC" => "3000000", "WATCHDOG_PID" => pid, _ => null })).IsEqualTo(TimeSpan.FromSeconds(3));
        await Assert.That(SystemdNotifier.WatchdogInterval(k => k switch { "WATCHDOG_USEC" => "3000000", "WATCHDOG_PID" => "1", _ => null })).IsNull();
        await Assert.That(SystemdNotifier.WatchdogInterval(k => k == "WATCHDOG_USEC" ? "soon" : null)).IsNull();
        await Assert.That(SystemdNotifier.WatchdogInterval(_ => null)).IsNull();
    }
}

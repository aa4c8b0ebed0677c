using System.Net.Sockets;
using System.Text;

namespace VisionFlow.Server.Hosting;

/// <summary>
/// The sd_notify protocol without libsystemd: one datagram of <c>KEY=VALUE</c> lines to the unix socket named by
/// <c>NOTIFY_SOCKET</c> (a leading <c>@</c> is Linux's abstract namespace). A notification that cannot be sent is
/// dropped: the service manager's absence must never stop the service.
/// </summary>
internal sealed class SystemdNotifier : IDisposable
{
    private readonly UnixDomainSocketEndPoint _endPoint;
    private readonly Socket _socket;

    private SystemdNotifier(string path)
    {
        _endPoint = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    /// <summary>
    /// The notifier for this process when it was started by a service manager that wants notifications, else null.
    /// Only a unix socket path is supported (systemd's <c>vsock:</c> addresses are for virtual machines).
    /// </summary>
    public static SystemdNotifier? FromEnvironment(Func<string, string?> env)
    {
        var path = env("NOTIFY_SOCKET");
        return string.IsNullOrEmpty(path) || (path[0] != '/' && path[0] != '@') ? null : new SystemdNotifier(path);
    }

    /// <summary>
    /// The watchdog interval the manager expects (<c>WATCHDOG_USEC</c>) when it applies to this process
    /// (<c>WATCHDOG_PID</c> unset or ours), else null.
    /// </summary>
    public static TimeSpan? WatchdogInterval(Func<string, string?> env)
    {
        if (!ulong.TryParse(env("WATCHDOG_USEC"), out var usec) || usec == 0)
        {
            return null;
        }

        var pid = env("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return null;
        }

        return TimeSpan.FromMicroseconds(Math.Min(usec, (ulong)TimeSpan.FromDays(1).TotalMicroseconds));
    }

    /// <summary>Sends one notification, e.g. <c>READY=1\nSTATUS=…</c>.</summary>
    public void Notify(string state)
    {
        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(state), SocketFlags.None, _endPoint);
        }
        catch (SocketException)
        {
            // No manager listening (anymore): nothing to tell.
        }
        catch (ObjectDisposedException)
        {
            // A late watchdog tick during shutdown.
        }
    }

    public void Dispose() => _socket.Dispose();
}

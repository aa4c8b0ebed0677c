using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using VisionFlow.Server.Health;

namespace VisionFlow.Server.Hosting;

/// <summary>
/// The service's listening sockets, bound first thing in <c>main</c> and answering the health endpoints while the host
/// is built; Kestrel then takes the very same sockets over (<see cref="SocketTransportOptions.CreateBoundListenSocket"/>),
/// so from the first answer on nothing is refused or dropped. Why: building the ASP.NET host (WebApplicationBuilder, the
/// DI container, Kestrel's start) is ~40 ms of CPU on one thread of a 2-core box, after the runtime's own ~25 ms; an
/// orchestrator's probe or a user's curl in that window got "connection refused". Now it gets the truth from the same
/// probes <c>/api/health</c> uses: status <c>starting</c>, every subsystem as it is before anything is built.
/// <para>
/// Only plain-HTTP URLs that Kestrel binds to IP endpoints are taken early: an https URL's handshake is Kestrel's, and
/// <c>localhost</c> with port 0 is refused by Kestrel itself. The sockets are only ever used synchronously here (poll,
/// accept), so they are registered with no event loop when Kestrel's asynchronous accept takes them.
/// </para>
/// </summary>
internal sealed class EarlyListener : IDisposable
{
    /// <summary>How long the accept loop waits before looking whether Kestrel wants the sockets; only while the host builds.</summary>
    private const int PollMicroseconds = 5_000;

    private readonly Lock _gate = new();
    private readonly List<(IPEndPoint Requested, Socket Socket)> _sockets;
    private readonly StartingResponder _responder;
    private readonly Thread _loop;
    private volatile bool _stopping;
    private bool _stopped;

    private EarlyListener(List<(IPEndPoint Requested, Socket Socket)> sockets, StartingResponder responder)
    {
        _sockets = sockets;
        _responder = responder;
        _loop = new Thread(AcceptLoop) { IsBackground = true, Name = "visionflow early listener" };
    }

    /// <summary>Where the sockets not yet taken by Kestrel listen (a free port filled in where 0 was asked for).</summary>
    public IReadOnlyList<IPEndPoint> Bound
    {
        get
        {
            lock (_gate)
            {
                return _sockets.ConvertAll(s => (IPEndPoint)s.Socket.LocalEndPoint!);
            }
        }
    }

    /// <summary>
    /// Binds every URL of <paramref name="urls"/> that can be taken early and starts answering on them; null when none can.
    /// Throws <see cref="SocketException"/> when one cannot be bound (address in use, permission): the same failure Kestrel
    /// would have met a moment later.
    /// </summary>
    public static EarlyListener? Start(IReadOnlyList<string> urls, HealthService health)
    {
        var sockets = new List<(IPEndPoint, Socket)>();
        try
        {
            foreach (var url in urls)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
                {
                    continue;
                }

                var host = uri.Host.Trim('[', ']');
                if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
                {
                    if (uri.Port != 0)
                    {
                        BindLocalhost(sockets, uri.Port);
                    }
                }
                else if (IPAddress.TryParse(host, out var address))
                {
                    sockets.Add(Bind(new IPEndPoint(address, uri.Port)));
                }
                else
                {
                    BindAny(sockets, uri.Port);
                }
            }
        }
        catch
        {
            foreach (var (_, socket) in sockets)
            {
                socket.Dispose();
            }

            throw;
        }

        if (sockets.Count == 0)
        {
            return null;
        }

        var listener = new EarlyListener(sockets, new StartingResponder(health));
        listener._loop.Start();
        return listener;
    }

    /// <summary>
    /// Kestrel's bind of <paramref name="endpoint"/>: the socket bound early for it (the early loop stops first, so no
    /// connection is answered by both), or null when none was, and Kestrel binds one itself.
    /// </summary>
    public Socket? Take(EndPoint endpoint)
    {
        Stop();
        lock (_gate)
        {
            var i = _sockets.FindIndex(s => s.Requested.Equals(endpoint));
            if (i < 0)
            {
                return null;
            }

            var socket = _sockets[i].Socket;
            _sockets.RemoveAt(i);
            socket.Blocking = true; // as Kestrel's own binding leaves it
            return socket;
        }
    }

    /// <summary>Closes the sockets Kestrel did not take (a failed start, or a URL it bound differently).</summary>
    public void Dispose()
    {
        Stop();
        lock (_gate)
        {
            foreach (var (_, socket) in _sockets)
            {
                socket.Dispose();
            }

            _sockets.Clear();
        }
    }

    private void Stop()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
        }

        _stopping = true;
        if (_loop.IsAlive && Thread.CurrentThread != _loop)
        {
            _loop.Join();
        }
    }

    private void AcceptLoop()
    {
        Socket[] all;
        lock (_gate)
        {
            all = _sockets.ConvertAll(s => s.Socket).ToArray();
        }

        var readable = new List<Socket>(all.Length);
        while (!_stopping)
        {
            readable.Clear();
            readable.AddRange(all);
            try
            {
                Socket.Select(readable, null, null, PollMicroseconds);
            }
            catch (SocketException)
            {
                return; // the sockets are gone: nothing left to answer on
            }

            foreach (var socket in readable)
            {
                if (_stopping)
                {
                    return; // Kestrel accepts from here on; what is queued is its
                }

                AcceptOne(socket);
            }
        }
    }

    private void AcceptOne(Socket socket)
    {
        Socket client;
        try
        {
            client = socket.Accept();
        }
        catch (SocketException)
        {
            // The connection went away between the poll and the accept, or no descriptor is left for it: Kestrel meets
            // the same queue in a moment.
            return;
        }

        // On a pool thread: a client that connects and says nothing must not hold the next one, nor Kestrel's takeover.
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Responder.Serve(state.Client), (Responder: _responder, Client: client), preferLocal: false);
    }

    private static (IPEndPoint, Socket) Bind(IPEndPoint endpoint)
    {
        // Kestrel's own way of binding (dual-mode for IPv6Any, its socket options), so the socket it takes is the one it
        // would have made; non-blocking here so an accept after a vanished connection does not wait.
        var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        try
        {
            socket.Listen(512); // Kestrel's default backlog; it calls Listen again when it takes the socket
            socket.Blocking = false;
            return (endpoint, socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>As Kestrel's <c>ListenLocalhost</c>: both loopbacks, either may be missing, not both.</summary>
    private static void BindLocalhost(List<(IPEndPoint, Socket)> sockets, int port)
    {
        SocketException? failure = null;
        var bound = 0;
        foreach (var loopback in (ReadOnlySpan<IPAddress>)[IPAddress.Loopback, IPAddress.IPv6Loopback])
        {
            try
            {
                sockets.Add(Bind(new IPEndPoint(loopback, port)));
                bound++;
            }
            catch (SocketException ex) when (ex.SocketErrorCode != SocketError.AddressAlreadyInUse)
            {
                failure ??= ex; // this loopback does not exist here
            }
        }

        if (bound == 0 && failure is not null)
        {
            throw failure;
        }
    }

    /// <summary>As Kestrel's <c>ListenAnyIP</c>: IPv6Any dual-mode, or IPv4Any where there is no IPv6.</summary>
    private static void BindAny(List<(IPEndPoint, Socket)> sockets, int port)
    {
        try
        {
            sockets.Add(Bind(new IPEndPoint(IPAddress.IPv6Any, port)));
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable or SocketError.ProtocolNotSupported)
        {
            sockets.Add(Bind(new IPEndPoint(IPAddress.Any, port)));
        }
    }
}

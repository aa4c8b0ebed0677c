using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using VisionFlow.Simulator;

namespace VisionFlow.Bench.Goals;

/// <summary>The project's swarm simulator as a real TCP JSON-RPC server on 127.0.0.1, optionally pre-populated with agents.</summary>
internal sealed class BenchSimulator : IAsyncDisposable
{
    private readonly SimulatorServer _server;

    private BenchSimulator(SwarmSimulator simulator, SimulatorServer server)
    {
        Simulator = simulator;
        _server = server;
    }

    public SwarmSimulator Simulator { get; }

    public IPEndPoint EndPoint => _server.LocalEndPoint;

    public static BenchSimulator Start(int agents)
    {
        var simulator = new SwarmSimulator(new SimulatorOptions { Seed = 7 }, TimeProvider.System);
        if (agents > 0)
        {
            var result = new ArrayBufferWriter<byte>();
            if (!simulator.TryHandlePlain(PlainMethods.MultiAgentInitialize, Encoding.UTF8.GetBytes($"{{\"topology\":\"mesh\",\"agents\":{agents}}}"), result, out var error))
            {
                throw new InvalidOperationException(error.Message);
            }
        }

        var server = new SimulatorServer(simulator, new IPEndPoint(IPAddress.Loopback, 0), TimeProvider.System);
        server.Start();
        return new BenchSimulator(simulator, server);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>A newline echo server on 127.0.0.1: every connection gets back exactly the bytes it sends.</summary>
internal sealed class LineEchoServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Task _acceptLoop;
    private readonly List<Socket> _accepted = [];

    public LineEchoServer()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _acceptLoop;
        lock (_accepted)
        {
            foreach (var s in _accepted)
            {
                s.Dispose();
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptAsync();
                socket.NoDelay = true;
                lock (_accepted)
                {
                    _accepted.Add(socket);
                }

                _ = Task.Run(() => EchoAsync(socket));
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static async Task EchoAsync(Socket socket)
    {
        var buffer = new byte[8192];
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None);
                if (n == 0)
                {
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }
}

/// <summary>A client of a <see cref="LineEchoServer"/>: the floor for any request/response line.</summary>
internal sealed class LineEcho : IAsyncDisposable
{
    private readonly Socket _client;
    private readonly LineEchoServer? _ownedServer;
    private readonly byte[] _buffer = new byte[8192];

    private LineEcho(Socket client, LineEchoServer? ownedServer)
    {
        _client = client;
        _ownedServer = ownedServer;
    }

    /// <summary>Starts an in-process echo server and connects to it.</summary>
    public static async Task<LineEcho> StartAsync()
    {
        var server = new LineEchoServer();
        return await ConnectAsync(server.EndPoint, server);
    }

    /// <summary>Connects to an echo server elsewhere (e.g. in a <see cref="PeerProcess"/>).</summary>
    public static async Task<LineEcho> ConnectAsync(IPEndPoint endPoint, LineEchoServer? ownedServer = null)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(endPoint);
        return new LineEcho(client, ownedServer);
    }

    /// <summary>Sends <paramref name="line"/> (newline-terminated) and reads until the echoed newline.</summary>
    public async Task<int> RoundTripAsync(ReadOnlyMemory<byte> line)
    {
        await _client.SendAsync(line, SocketFlags.None);
        var total = 0;
        do
        {
            total += await _client.ReceiveAsync(_buffer.AsMemory(total), SocketFlags.None);
        }
        while (_buffer[total - 1] != (byte)'\n');

        return total;
    }

    /// <summary>Sends <paramref name="lines"/> (<paramref name="count"/> newline-terminated lines) and reads until as many newlines came back.</summary>
    public async Task<int> RoundTripManyAsync(ReadOnlyMemory<byte> lines, int count)
    {
        await _client.SendAsync(lines, SocketFlags.None);
        var seen = 0;
        while (seen < count)
        {
            var n = await _client.ReceiveAsync(_buffer, SocketFlags.None);
            seen += _buffer.AsSpan(0, n).Count((byte)'\n');
        }

        return seen;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        if (_ownedServer is not null)
        {
            await _ownedServer.DisposeAsync();
        }
    }
}

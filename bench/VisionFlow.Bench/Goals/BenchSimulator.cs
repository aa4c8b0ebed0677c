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

/// <summary>A newline echo server on 127.0.0.1 and one connected client: the floor for any request/response line.</summary>
internal sealed class LineEcho : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Socket _client;
    private readonly Socket _server;
    private readonly Task _loop;
    private readonly byte[] _buffer = new byte[8192];

    private LineEcho(Socket listener, Socket client, Socket server)
    {
        _listener = listener;
        _client = client;
        _server = server;
        _loop = Task.Run(EchoLoopAsync);
    }

    public static async Task<LineEcho> StartAsync()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        var server = await accept;
        server.NoDelay = true;
        return new LineEcho(listener, client, server);
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

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        _listener.Dispose();
        await _loop;
        _server.Dispose();
    }

    private async Task EchoLoopAsync()
    {
        var buffer = new byte[8192];
        try
        {
            while (true)
            {
                var n = await _server.ReceiveAsync(buffer, SocketFlags.None);
                if (n == 0)
                {
                    return;
                }

                await _server.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
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

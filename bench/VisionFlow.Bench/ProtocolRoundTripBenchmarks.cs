using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using StreamJsonRpc;
using VisionFlow.Protocol.Dispatch;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Bench;

/// <summary>
/// One request/response over a real loopback socket: our <see cref="JsonRpcConnection"/> against a raw-socket echo of a
/// request-sized line (the floor: two socket hops, no JSON work), and StreamJsonRpc against the same JsonRpcConnection server.
/// </summary>
[MemoryDiagnoser]
public class ProtocolRoundTripBenchmarks
{
    private static readonly byte[] EchoLine = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":\"9f2c01ab77e4-1\",\"method\":\"add\",\"params\":{\"a\":1,\"b\":2}}\n");
    private static readonly BenchAddParams Params = new(1, 2);

    private readonly byte[] _echoBuffer = new byte[4096];
    private readonly List<JsonRpcConnection> _serverConnections = [];
    private Socket _listener = null!;
    private Socket _echoListener = null!;
    private Socket _echoClient = null!;
    private Socket _echoServer = null!;
    private Task _echoLoop = null!;
    private Task _acceptLoop = null!;
    private JsonRpcConnection _client = null!;
    private JsonRpc _streamJsonRpc = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public async Task<int> RawSocketEcho()
    {
        await _echoClient.SendAsync(EchoLine, SocketFlags.None);
        var total = 0;
        do
        {
            total += await _echoClient.ReceiveAsync(_echoBuffer.AsMemory(total), SocketFlags.None);
        }
        while (_echoBuffer[total - 1] != (byte)'\n');

        return total;
    }

    [Benchmark]
    public async Task<int> JsonRpcConnectionRoundTrip()
        => await _client.InvokeAsync("add", Params, ProtocolBenchJson.Default.BenchAddParams, ProtocolBenchJson.Default.Int32, CancellationToken.None);

    [Benchmark]
    public async Task<int> StreamJsonRpcRoundTrip()
        => await _streamJsonRpc.InvokeWithParameterObjectAsync<int>("add", new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 });

    private async Task SetupAsync()
    {
        var dispatch = new JsonRpcDispatchTable().Add("add", static (p, w, _) =>
        {
            var args = JsonSerializer.Deserialize(p.Span, ProtocolBenchJson.Default.BenchAddParams)!;
            w.WriteNumberValue(args.A + args.B);
            return ValueTask.CompletedTask;
        });

        _listener = Listen();
        _acceptLoop = Task.Run(async () =>
        {
            while (true)
            {
                Socket s;
                try
                {
                    s = await _listener.AcceptAsync();
                }
                catch (SocketException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                lock (_serverConnections)
                {
                    _serverConnections.Add(JsonRpcConnection.Create(s, new JsonRpcConnectionOptions { Dispatch = dispatch, Name = "bench-server" }));
                }
            }
        });

        _client = await JsonRpcConnection.ConnectAsync(_listener.LocalEndPoint!, new JsonRpcConnectionOptions { Name = "bench-client" });

        var sjrSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await sjrSocket.ConnectAsync(_listener.LocalEndPoint!);
        var stream = new NetworkStream(sjrSocket, ownsSocket: true);
        _streamJsonRpc = new JsonRpc(new NewLineDelimitedMessageHandler(stream, stream, new SystemTextJsonFormatter()));
        _streamJsonRpc.StartListening();

        _echoListener = Listen();
        _echoClient = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = _echoListener.AcceptAsync();
        await _echoClient.ConnectAsync(_echoListener.LocalEndPoint!);
        _echoServer = await accept;
        _echoServer.NoDelay = true;
        _echoLoop = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var n = await _echoServer.ReceiveAsync(buffer, SocketFlags.None);
                    if (n == 0)
                    {
                        return;
                    }

                    await _echoServer.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
                }
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        });

        // Warm every path once so setup failures surface here, not as a skewed first iteration.
        if (await JsonRpcConnectionRoundTrip() != 3 || await StreamJsonRpcRoundTrip() != 3 || await RawSocketEcho() != EchoLine.Length)
        {
            throw new InvalidOperationException("benchmark round trips do not work");
        }
    }

    private async Task CleanupAsync()
    {
        _streamJsonRpc.Dispose();
        await _client.DisposeAsync();
        _echoClient.Dispose();
        _listener.Dispose();
        _echoListener.Dispose();
        await _acceptLoop;
        await _echoLoop;
        _echoServer.Dispose();
        List<JsonRpcConnection> servers;
        lock (_serverConnections)
        {
            servers = [.. _serverConnections];
        }

        foreach (var s in servers)
        {
            await s.DisposeAsync();
        }
    }

    private static Socket Listen()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen(16);
        return socket;
    }
}

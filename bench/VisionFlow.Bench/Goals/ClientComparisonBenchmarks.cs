using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using StreamJsonRpc;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Bench.Goals;

/// <summary>
/// Issue 4: one MCP <c>ping</c> round trip to the same in-process <see cref="VisionFlow.Simulator.SimulatorServer"/>
/// through our generated <see cref="McpDialectClient"/> over <see cref="JsonRpcConnection"/> (baseline), StreamJsonRpc
/// (newline-delimited, System.Text.Json formatter) and the official MCP C# SDK client (ModelContextProtocol.Core) over a
/// <see cref="StreamClientTransport"/> on a <see cref="NetworkStream"/>; a raw newline echo of a ping-sized line is the floor.
/// Every client holds its own initialized MCP session on its own socket.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PercentileConfig))]
public class ClientComparisonBenchmarks
{
    private static readonly byte[] EchoLine = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":\"9f2c01ab77e4-1234\",\"method\":\"ping\"}\n");
    private static readonly Dictionary<string, object?> EmptyParams = [];

    private BenchSimulator _simulator = null!;
    private LineEcho _echo = null!;
    private JsonRpcConnection _ours = null!;
    private McpDialectClient _oursMcp = null!;
    private JsonRpc _streamJsonRpc = null!;
    private McpClient _sdk = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    [Benchmark(Description = "raw newline echo, ping-sized line (floor)")]
    public Task<int> RawEcho() => _echo.RoundTripAsync(EchoLine);

    [Benchmark(Baseline = true, Description = "ours: McpDialectClient.PingAsync over JsonRpcConnection")]
    public async Task<McpEmptyResult> OursPing() => await _oursMcp.PingAsync(CancellationToken.None);

    [Benchmark(Description = "StreamJsonRpc 2.26 ping (NewLineDelimited + SystemTextJsonFormatter)")]
    public Task<JsonElement> StreamJsonRpcPing() => _streamJsonRpc.InvokeWithParameterObjectAsync<JsonElement>("ping", EmptyParams);

    [Benchmark(Description = "MCP C# SDK 2.4.0 McpClient.PingAsync over StreamClientTransport")]
    public async Task SdkPing() => await _sdk.PingAsync(cancellationToken: CancellationToken.None);

    private async Task SetupAsync()
    {
        _simulator = BenchSimulator.Start(agents: 0);
        _echo = await LineEcho.StartAsync();

        _ours = await JsonRpcConnection.ConnectAsync(_simulator.EndPoint, new JsonRpcConnectionOptions { Name = "bench-ours" });
        await ServerProfile.HandshakeAsync(_ours, "bench", CancellationToken.None);
        _oursMcp = new McpDialectClient(_ours);

        var sjr = await ConnectStreamAsync();
        _streamJsonRpc = new JsonRpc(new NewLineDelimitedMessageHandler(sjr, sjr, new SystemTextJsonFormatter()));
        _streamJsonRpc.StartListening();
        await _streamJsonRpc.InvokeWithParameterObjectAsync<JsonElement>("initialize", new Dictionary<string, object?>
        {
            ["protocolVersion"] = "2025-06-18",
            ["capabilities"] = new Dictionary<string, object?>(),
            ["clientInfo"] = new Dictionary<string, object?> { ["name"] = "bench-streamjsonrpc", ["version"] = "1" },
        });
        await _streamJsonRpc.NotifyWithParameterObjectAsync("notifications/initialized", EmptyParams);

        var sdk = await ConnectStreamAsync();
        _sdk = await McpClient.CreateAsync(new StreamClientTransport(sdk, sdk));

        await RawEcho();
        await OursPing();
        await StreamJsonRpcPing();
        await SdkPing();
    }

    private async Task<NetworkStream> ConnectStreamAsync()
    {
        var socket = new Socket(_simulator.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(_simulator.EndPoint);
        return new NetworkStream(socket, ownsSocket: true);
    }

    private async Task CleanupAsync()
    {
        await _sdk.DisposeAsync();
        _streamJsonRpc.Dispose();
        await _ours.DisposeAsync();
        await _echo.DisposeAsync();
        await _simulator.DisposeAsync();
    }
}

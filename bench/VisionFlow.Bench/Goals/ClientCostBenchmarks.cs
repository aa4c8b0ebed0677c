using System.IO.Pipelines;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using StreamJsonRpc;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Bench.Goals;

/// <summary>
/// Issue 4: what each client library itself costs per MCP <c>ping</c> round trip, against an <see cref="InMemoryMcpPeer"/>
/// on in-memory pipes (no socket, no kernel, no server process; the peer's small cost is the same for every client).
/// One call at a time, 100 in sequence inside one async method, and 32 in flight on one session (each operation is one
/// round trip). The loopback figures
/// (<see cref="ClientComparisonBenchmarks"/>, <see cref="ClientThroughputBenchmarks"/>) add the machine's socket costs.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ClientCostBenchmarks
{
    private const int InFlight = 32;
    private const int Sequence = 100;

    private readonly ValueTask<McpEmptyResult>[] _oursBatch = new ValueTask<McpEmptyResult>[InFlight];
    private readonly Task<JsonElement>[] _sjrBatch = new Task<JsonElement>[InFlight];
    private readonly ValueTask<PingResult>[] _sdkBatch = new ValueTask<PingResult>[InFlight];

    private InMemoryMcpPeer _oursPeer = null!, _sjrPeer = null!, _sdkPeer = null!;
    private JsonRpcConnection _ours = null!;
    private McpDialectClient _oursMcp = null!;
    private JsonRpc _sjr = null!;
    private McpClient _sdk = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    [BenchmarkCategory("one at a time"), Benchmark(Baseline = true, Description = "ours")]
    public async Task<McpEmptyResult> OursOne() => await _oursMcp.PingAsync(CancellationToken.None);

    [BenchmarkCategory("one at a time"), Benchmark(Description = "StreamJsonRpc 2.26")]
    public Task<JsonElement> StreamJsonRpcOne() => _sjr.InvokeWithParameterObjectAsync<JsonElement>("ping", ClientSessions.EmptyParams);

    [BenchmarkCategory("one at a time"), Benchmark(Description = "MCP C# SDK 2.4.0")]
    public async Task SdkOne() => await _sdk.PingAsync(cancellationToken: CancellationToken.None);

    [BenchmarkCategory("32 in flight"), Benchmark(Baseline = true, OperationsPerInvoke = InFlight, Description = "ours")]
    public async Task OursBatch()
    {
        for (var i = 0; i < InFlight; i++)
        {
            _oursBatch[i] = _oursMcp.PingAsync(CancellationToken.None);
        }

        for (var i = 0; i < InFlight; i++)
        {
            await _oursBatch[i];
        }
    }

    [BenchmarkCategory("32 in flight"), Benchmark(OperationsPerInvoke = InFlight, Description = "StreamJsonRpc 2.26")]
    public async Task StreamJsonRpcBatch()
    {
        for (var i = 0; i < InFlight; i++)
        {
            _sjrBatch[i] = _sjr.InvokeWithParameterObjectAsync<JsonElement>("ping", ClientSessions.EmptyParams);
        }

        for (var i = 0; i < InFlight; i++)
        {
            await _sjrBatch[i];
        }
    }

    [BenchmarkCategory("32 in flight"), Benchmark(OperationsPerInvoke = InFlight, Description = "MCP C# SDK 2.4.0")]
    public async Task SdkBatch()
    {
        for (var i = 0; i < InFlight; i++)
        {
            _sdkBatch[i] = _sdk.PingAsync(cancellationToken: CancellationToken.None);
        }

        for (var i = 0; i < InFlight; i++)
        {
            await _sdkBatch[i];
        }
    }

    [BenchmarkCategory("100 in sequence"), Benchmark(Baseline = true, OperationsPerInvoke = Sequence, Description = "ours")]
    public async Task OursSequence()
    {
        for (var i = 0; i < Sequence; i++)
        {
            await _oursMcp.PingAsync(CancellationToken.None);
        }
    }

    [BenchmarkCategory("100 in sequence"), Benchmark(OperationsPerInvoke = Sequence, Description = "StreamJsonRpc 2.26")]
    public async Task StreamJsonRpcSequence()
    {
        for (var i = 0; i < Sequence; i++)
        {
            await _sjr.InvokeWithParameterObjectAsync<JsonElement>("ping", ClientSessions.EmptyParams);
        }
    }

    [BenchmarkCategory("100 in sequence"), Benchmark(OperationsPerInvoke = Sequence, Description = "MCP C# SDK 2.4.0")]
    public async Task SdkSequence()
    {
        for (var i = 0; i < Sequence; i++)
        {
            await _sdk.PingAsync(cancellationToken: CancellationToken.None);
        }
    }

    private async Task SetupAsync()
    {
        _oursPeer = new InMemoryMcpPeer();
        _ours = new JsonRpcConnection(new Duplex(_oursPeer.ClientInput, _oursPeer.ClientOutput), new JsonRpcConnectionOptions { Name = "bench-ours" });
        await VisionFlow.Protocol.Dialects.ServerProfile.HandshakeAsync(_ours, "bench", CancellationToken.None);
        _oursMcp = new McpDialectClient(_ours);

        _sjrPeer = new InMemoryMcpPeer();
        _sjr = new JsonRpc(new NewLineDelimitedMessageHandler(_sjrPeer.ClientOutput, _sjrPeer.ClientInput, new SystemTextJsonFormatter()));
        _sjr.StartListening();
        await _sjr.InvokeWithParameterObjectAsync<JsonElement>("initialize", new Dictionary<string, object?>
        {
            ["protocolVersion"] = "2025-06-18",
            ["capabilities"] = new Dictionary<string, object?>(),
            ["clientInfo"] = new Dictionary<string, object?> { ["name"] = "bench-streamjsonrpc", ["version"] = "1" },
        });
        await _sjr.NotifyWithParameterObjectAsync("notifications/initialized", ClientSessions.EmptyParams);

        _sdkPeer = new InMemoryMcpPeer();
        _sdk = await McpClient.CreateAsync(new StreamClientTransport(_sdkPeer.ClientOutput.AsStream(), _sdkPeer.ClientInput.AsStream()));

        await OursOne();
        await StreamJsonRpcOne();
        await SdkOne();
    }

    private async Task CleanupAsync()
    {
        await _sdk.DisposeAsync();
        _sjr.Dispose();
        await _ours.DisposeAsync();
        await _oursPeer.DisposeAsync();
        await _sjrPeer.DisposeAsync();
        await _sdkPeer.DisposeAsync();
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}

using ModelContextProtocol.Protocol;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using VisionFlow.Protocol.Contracts.Mcp;

namespace VisionFlow.Bench.Goals;

/// <summary>
/// Issue 4: request round trips per second, <see cref="InFlight"/> MCP <c>ping</c>s in flight on one connection per
/// client, to the same simulator in a child process. Each operation is one round trip (OperationsPerInvoke), so the mean
/// is the cost of a round trip when the loopback wake-ups are shared by many requests: the client's own work decides it.
/// Every client issues all requests, then awaits them in order, so none pays for a combinator the others skip.
/// </summary>
[MemoryDiagnoser]
public class ClientThroughputBenchmarks
{
    /// <summary>Requests in flight per batch.</summary>
    public const int InFlight = 32;

    private static readonly byte[] EchoLines = [.. Enumerable.Range(0, InFlight).SelectMany(_ => ClientComparisonBenchmarks.EchoLine)];

    private readonly ValueTask<McpEmptyResult>[] _ours = new ValueTask<McpEmptyResult>[InFlight];
    private readonly Task<JsonElement>[] _streamJsonRpc = new Task<JsonElement>[InFlight];
    private readonly ValueTask<PingResult>[] _sdk = new ValueTask<PingResult>[InFlight];
    private ClientSessions _sessions = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sessions = ClientSessions.StartAsync().GetAwaiter().GetResult();
        RawEcho().GetAwaiter().GetResult();
        Ours().GetAwaiter().GetResult();
        StreamJsonRpc().GetAwaiter().GetResult();
        Sdk().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _sessions.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = InFlight, Description = "raw newline echo, 32 ping-sized lines in one write (floor)")]
    public Task<int> RawEcho() => _sessions.Echo.RoundTripManyAsync(EchoLines, InFlight);

    [Benchmark(Baseline = true, OperationsPerInvoke = InFlight, Description = "ours: 32 McpDialectClient.PingAsync in flight")]
    public async Task Ours()
    {
        for (var i = 0; i < InFlight; i++)
        {
            _ours[i] = _sessions.OursMcp.PingAsync(CancellationToken.None);
        }

        for (var i = 0; i < InFlight; i++)
        {
            await _ours[i];
        }
    }

    [Benchmark(OperationsPerInvoke = InFlight, Description = "StreamJsonRpc 2.26: 32 pings in flight")]
    public async Task StreamJsonRpc()
    {
        for (var i = 0; i < InFlight; i++)
        {
            _streamJsonRpc[i] = _sessions.StreamJsonRpc.InvokeWithParameterObjectAsync<JsonElement>("ping", ClientSessions.EmptyParams);
        }

        for (var i = 0; i < InFlight; i++)
        {
            await _streamJsonRpc[i];
        }
    }

    [Benchmark(OperationsPerInvoke = InFlight, Description = "MCP C# SDK 2.4.0: 32 McpClient.PingAsync in flight")]
    public async Task Sdk()
    {
        for (var i = 0; i < InFlight; i++)
        {
            _sdk[i] = _sessions.Sdk.PingAsync(cancellationToken: CancellationToken.None);
        }

        for (var i = 0; i < InFlight; i++)
        {
            await _sdk[i];
        }
    }
}

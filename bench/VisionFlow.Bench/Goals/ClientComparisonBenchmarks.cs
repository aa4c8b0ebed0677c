using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using ModelContextProtocol.Client;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Bench.Goals;

/// <summary>
/// Issue 4: one MCP <c>ping</c> round trip, one at a time, to the same simulator in a child process (see
/// <see cref="PeerProcess"/>) through our generated <see cref="McpDialectClient"/> over <see cref="JsonRpcConnection"/>
/// (baseline), StreamJsonRpc (newline-delimited, System.Text.Json formatter) and the official MCP C# SDK client
/// (ModelContextProtocol.Core) over a <see cref="StreamClientTransport"/>; a raw newline echo of a ping-sized line is the
/// floor. Latency here is mostly the loopback floor; <see cref="ClientThroughputBenchmarks"/> shows what each client costs.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PercentileConfig))]
public class ClientComparisonBenchmarks
{
    internal static readonly byte[] EchoLine = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":\"9f2c01ab77e4-1234\",\"method\":\"ping\"}\n");

    private ClientSessions _sessions = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sessions = ClientSessions.StartAsync().GetAwaiter().GetResult();
        RawEcho().GetAwaiter().GetResult();
        OursPing().GetAwaiter().GetResult();
        StreamJsonRpcPing().GetAwaiter().GetResult();
        SdkPing().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _sessions.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "raw newline echo, ping-sized line (floor)")]
    public Task<int> RawEcho() => _sessions.Echo.RoundTripAsync(EchoLine);

    [Benchmark(Baseline = true, Description = "ours: McpDialectClient.PingAsync over JsonRpcConnection")]
    public async Task<McpEmptyResult> OursPing() => await _sessions.OursMcp.PingAsync(CancellationToken.None);

    [Benchmark(Description = "StreamJsonRpc 2.26 ping (NewLineDelimited + SystemTextJsonFormatter)")]
    public Task<JsonElement> StreamJsonRpcPing() => _sessions.StreamJsonRpc.InvokeWithParameterObjectAsync<JsonElement>("ping", ClientSessions.EmptyParams);

    [Benchmark(Description = "MCP C# SDK 2.4.0 McpClient.PingAsync over StreamClientTransport")]
    public async Task SdkPing() => await _sessions.Sdk.PingAsync(cancellationToken: CancellationToken.None);
}

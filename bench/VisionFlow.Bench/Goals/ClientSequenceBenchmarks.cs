using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace VisionFlow.Bench.Goals;

/// <summary>
/// Issue 4: MCP <c>ping</c>s one at a time, <see cref="Calls"/> in sequence inside one async method, to the same simulator
/// in a child process. This is how a caller really issues dependent calls; unlike <see cref="ClientComparisonBenchmarks"/>
/// (one call per invocation), BenchmarkDotNet's blocking wait for the invocation's task is paid once per
/// <see cref="Calls"/> calls, so each client's own hand-offs per round trip are what is left above the floor.
/// </summary>
[MemoryDiagnoser]
public class ClientSequenceBenchmarks
{
    /// <summary>Round trips per invocation.</summary>
    public const int Calls = 100;

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

    [Benchmark(OperationsPerInvoke = Calls, Description = "raw newline echo, ping-sized lines in sequence (floor)")]
    public async Task RawEcho()
    {
        for (var i = 0; i < Calls; i++)
        {
            await _sessions.Echo.RoundTripAsync(ClientComparisonBenchmarks.EchoLine);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls, Description = "ours: McpDialectClient.PingAsync in sequence")]
    public async Task Ours()
    {
        for (var i = 0; i < Calls; i++)
        {
            await _sessions.OursMcp.PingAsync(CancellationToken.None);
        }
    }

    [Benchmark(OperationsPerInvoke = Calls, Description = "StreamJsonRpc 2.26: pings in sequence")]
    public async Task StreamJsonRpc()
    {
        for (var i = 0; i < Calls; i++)
        {
            await _sessions.StreamJsonRpc.InvokeWithParameterObjectAsync<JsonElement>("ping", ClientSessions.EmptyParams);
        }
    }

    [Benchmark(OperationsPerInvoke = Calls, Description = "MCP C# SDK 2.4.0: McpClient.PingAsync in sequence")]
    public async Task Sdk()
    {
        for (var i = 0; i < Calls; i++)
        {
            await _sessions.Sdk.PingAsync(cancellationToken: CancellationToken.None);
        }
    }
}

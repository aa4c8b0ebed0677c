using System.Text;
using BenchmarkDotNet.Attributes;
using VisionFlow.Connections.Pooling;
using VisionFlow.Connections.Resilience;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Bench.Goals;

/// <summary>
/// Issue 5: an MCP <c>ping</c> to the in-process <see cref="VisionFlow.Simulator.SimulatorServer"/> through the product
/// path (pool rent → resilience pipeline → <see cref="SwarmClient.PingAsync"/> → return) against a raw newline echo of a
/// line the size of that ping request and against a bare <see cref="JsonRpcConnection"/> ping on one connection.
/// The pool is configured as <c>McpGateway</c> configures it. The "liveness" variant checks on borrow that the connection
/// is open, as the gateway's <c>McpConnection</c> does; the "ping on borrow" variant is the earlier design (a ping per
/// borrow, two round trips per call), kept as the comparison that motivated the change.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PercentileConfig))]
public class PooledRoundTripBenchmarks
{
    // Same length as the engine's MCP ping request line: {"jsonrpc":"2.0","id":"<12 hex>-<n>","method":"ping"}\n
    private static readonly byte[] EchoLine = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":\"9f2c01ab77e4-1234\",\"method\":\"ping\"}\n");

    private BenchSimulator _simulator = null!;
    private LineEcho _echo = null!;
    private JsonRpcConnection _single = null!;
    private McpDialectClient _singleMcp = null!;
    private ConnectionPool<PooledConnection<JsonRpcConnection>> _productPool = null!;
    private ConnectionPool<PooledConnection<JsonRpcConnection>> _livenessPool = null!;
    private McpResilience _resilience = null!;
    private ServerProfile _profile = null!;
    private SwarmClient _singleClient = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "raw newline echo, ping-sized line")]
    public Task<int> RawEcho() => _echo.RoundTripAsync(EchoLine);

    [Benchmark(Description = "JsonRpcConnection MCP ping, one connection")]
    public async Task<McpEmptyResult> EnginePing() => await _singleMcp.PingAsync(CancellationToken.None);

    [Benchmark(Description = "product: pool rent (liveness check) + pipeline + SwarmClient.PingAsync + return")]
    public Task PooledPingLiveness() => PooledPingAsync(_livenessPool);

    [Benchmark(Description = "for comparison: ping health check on borrow (earlier design)")]
    public Task PooledPingProductConfig() => PooledPingAsync(_productPool);

    [Benchmark(Description = "decomposition: pool rent + SwarmClient.PingAsync + return, no pipeline (liveness)")]
    public async Task PoolOnlyPing()
    {
        var lease = await _livenessPool.RentAsync(CancellationToken.None).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            await new SwarmClient(lease.Connection.Inner, _profile).PingAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    [Benchmark(Description = "decomposition: pipeline + SwarmClient.PingAsync on one connection, no pool")]
    public async Task PipelineOnlyPing()
        => await _resilience.Pipeline.ExecuteAsync(
            static (state, ct) => state.Client.PingAsync(ct),
            (Client: _singleClient, Profile: _profile),
            CancellationToken.None).ConfigureAwait(false);

    private async Task PooledPingAsync(ConnectionPool<PooledConnection<JsonRpcConnection>> pool)
        => await _resilience.Pipeline.ExecuteAsync(
            static async (state, ct) =>
            {
                var lease = await state.Pool.RentAsync(ct).ConfigureAwait(false);
                await using (lease.ConfigureAwait(false))
                {
                    try
                    {
                        await new SwarmClient(lease.Connection.Inner, state.Profile).PingAsync(ct).ConfigureAwait(false);
                    }
                    catch (JsonRpcConnectionClosedException)
                    {
                        lease.MarkBroken();
                        throw;
                    }
                }
            },
            (Pool: pool, Profile: _profile),
            CancellationToken.None).ConfigureAwait(false);

    private async Task SetupAsync()
    {
        _simulator = BenchSimulator.Start(agents: 0);
        _echo = await LineEcho.StartAsync();
        _single = await JsonRpcConnection.ConnectAsync(_simulator.EndPoint, new JsonRpcConnectionOptions { Name = "bench-single" });
        _profile = await ServerProfile.DetectAsync(_single, "bench", CancellationToken.None);
        _singleMcp = new McpDialectClient(_single);
        _singleClient = new SwarmClient(_single, _profile);

        // As McpGateway builds them (src/VisionFlow.Server/Mcp/McpGateway.cs).
        _resilience = McpResiliencePipelineFactory.Create(new McpResilienceOptions
        {
            TotalTimeout = TimeSpan.FromSeconds(30),
            AttemptTimeout = TimeSpan.FromSeconds(10),
            MaxAttempts = 3,
            InitialDelay = TimeSpan.FromMilliseconds(50),
            MaxDelay = TimeSpan.FromSeconds(1),
        });
        _livenessPool = CreatePool(healthPing: false);
        _productPool = CreatePool(healthPing: true);

        await RawEcho();
        await EnginePing();
        await PooledPingLiveness();
        await PooledPingProductConfig();
        await PoolOnlyPing();
        await PipelineOnlyPing();
    }

    private ConnectionPool<PooledConnection<JsonRpcConnection>> CreatePool(bool healthPing)
    {
        var endPoint = _simulator.EndPoint;
        return new ConnectionPool<PooledConnection<JsonRpcConnection>>(
            async ct =>
            {
                var rpc = await JsonRpcConnection.ConnectAsync(endPoint, new JsonRpcConnectionOptions { Name = "bench-pooled" }, ct).ConfigureAwait(false);
                await ServerProfile.HandshakeAsync(rpc, "bench", ct).ConfigureAwait(false);
                return healthPing
                    ? new PooledConnection<JsonRpcConnection>(rpc, static c => c.IsConnected, static async (c, ct) =>
                    {
                        await new McpDialectClient(c).PingAsync(ct).ConfigureAwait(false);
                        return true;
                    })
                    : new PooledConnection<JsonRpcConnection>(rpc, static c => c.IsConnected);
            },
            new ConnectionPoolOptions
            {
                MinConnections = 0,
                MaxConnections = 8,
                HardMaxConnections = 32,
                MaxIdleConnections = 8,
                WaitTimeout = TimeSpan.FromSeconds(5),
                HealthCheckOnBorrow = true,
            });
    }

    private async Task CleanupAsync()
    {
        foreach (var (name, pool) in new[] { ("liveness", _livenessPool), ("product-config", _productPool) })
        {
            var s = pool.GetStats();
            Console.WriteLine($"// POOL {name}: rents={s.Rents} reuses={s.Reuses} reuseRatio={s.ReuseRatio:P4} creations={s.Creations} evictions={s.Evictions}");
            await pool.DisposeAsync();
        }

        await _single.DisposeAsync();
        await _echo.DisposeAsync();
        await _simulator.DisposeAsync();
    }
}

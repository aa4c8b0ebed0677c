using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using VisionFlow.Agents;
using VisionFlow.Agents.Intake;
using VisionFlow.Connections.Link;
using VisionFlow.Connections.Pooling;
using VisionFlow.Connections.Resilience;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;
using VisionFlow.Server.Metrics;

namespace VisionFlow.Bench.Goals;

/// <summary>
/// Issue 5: an MCP <c>ping</c> to the in-process <see cref="VisionFlow.Simulator.SimulatorServer"/> through the product
/// path (<see cref="McpLink.ExecuteAsync"/>: pool rent → resilience pipeline → <see cref="ISwarmClient.PingAsync"/> →
/// return) against a raw newline echo of a line the size of that ping request and against a bare
/// <see cref="JsonRpcConnection"/> ping on one connection. The product variant is the product's own <see cref="McpLink"/>;
/// the decompositions build their pool and pipeline from the same <see cref="McpLinkOptions"/>. The "ping on borrow"
/// variant is the earlier design (a ping per borrow, two round trips per call), kept as the comparison that motivated
/// the change.
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
    private ISwarmClient _singleClient = null!;
    private TelemetryIntake _intake = null!;
    private McpLink _link = null!;
    private McpLink _countedLink = null!;
    private ServiceProvider _meterServices = null!;
    private PrometheusExporter _exporter = null!;
    private TelemetryIntake _countedIntake = null!;
    private Task _countedIntakeLoop = Task.CompletedTask;
    private CancellationTokenSource _intakeStop = null!;
    private Task _intakeLoop = Task.CompletedTask;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "raw newline echo, ping-sized line")]
    public Task<int> RawEcho() => _echo.RoundTripAsync(EchoLine);

    [Benchmark(Description = "JsonRpcConnection MCP ping, one connection")]
    public async Task<McpEmptyResult> EnginePing() => await _singleMcp.PingAsync(CancellationToken.None);

    [Benchmark(Description = "product: McpLink.ExecuteAsync (pool rent, liveness check, pipeline, ping, return)")]
    public async Task<bool> LinkPing() => await _link.ExecuteAsync(static async (client, ct) =>
    {
        await client.PingAsync(ct).ConfigureAwait(false);
        return true;
    }, CancellationToken.None).ConfigureAwait(false);

    /// <summary>As the service runs it: the link's instruments on a meter that <c>/metrics</c> listens to (OTLP off).</summary>
    [Benchmark(Description = "product, counted: McpLink.ExecuteAsync with its meter and the /metrics listener")]
    public async Task<bool> CountedLinkPing() => await _countedLink.ExecuteAsync(static async (client, ct) =>
    {
        await client.PingAsync(ct).ConfigureAwait(false);
        return true;
    }, CancellationToken.None).ConfigureAwait(false);

    [Benchmark(Description = "decomposition: pool rent (liveness check) + pipeline + ping + return")]
    public Task PooledPingLiveness() => PooledPingAsync(_livenessPool);

    [Benchmark(Description = "for comparison: ping health check on borrow (earlier design)")]
    public Task PooledPingProductConfig() => PooledPingAsync(_productPool);

    [Benchmark(Description = "decomposition: pool rent + ping + return, no pipeline (liveness)")]
    public async Task PoolOnlyPing()
    {
        var lease = await _livenessPool.RentAsync(CancellationToken.None).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            await _profile.CreateClient(lease.Connection.Inner).PingAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    [Benchmark(Description = "decomposition: pipeline + ping on one connection, no pool")]
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
                        await state.Profile.CreateClient(lease.Connection.Inner).PingAsync(ct).ConfigureAwait(false);
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
        _singleClient = _profile.CreateClient(_single);

        // The product's own link, and the decompositions' parts built from the same options.
        var options = new McpLinkOptions { Host = _simulator.EndPoint.Address.ToString(), Port = _simulator.EndPoint.Port, ClientVersion = "bench" };
        _link = new McpLink(options);
        _intake = new TelemetryIntake(new AgentTelemetryOptions(), TimeProvider.System, _link.Sessions);
        _intakeStop = new CancellationTokenSource();
        _intakeLoop = Task.Run(() => _intake.RunAsync(_intakeStop.Token));
        _link.Start();
        _meterServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = new ProductMeters(_meterServices.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        _exporter = new PrometheusExporter(meters, NullLogger<PrometheusExporter>.Instance);
        _countedLink = new McpLink(options, meter: meters.Connections);
        _countedIntake = new TelemetryIntake(new AgentTelemetryOptions(), TimeProvider.System, _countedLink.Sessions);
        _countedIntakeLoop = Task.Run(() => _countedIntake.RunAsync(_intakeStop.Token));
        _countedLink.Start();
        _resilience = McpResiliencePipelineFactory.Create(options.ToResilienceOptions());
        _livenessPool = CreatePool(options.ToPoolOptions(), healthPing: false);
        _productPool = CreatePool(options.ToPoolOptions(), healthPing: true);

        await LinkPing();
        await CountedLinkPing();
        await RawEcho();
        await EnginePing();
        await PooledPingLiveness();
        await PooledPingProductConfig();
        await PoolOnlyPing();
        await PipelineOnlyPing();
    }

    private ConnectionPool<PooledConnection<JsonRpcConnection>> CreatePool(ConnectionPoolOptions options, bool healthPing)
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
            options with { HealthCheckOnBorrow = true });
    }

    private async Task CleanupAsync()
    {
        foreach (var (name, pool) in new[] { ("liveness", _livenessPool), ("product-config", _productPool) })
        {
            var s = pool.GetStats();
            Console.WriteLine($"// POOL {name}: rents={s.Rents} reuses={s.Reuses} reuseRatio={s.ReuseRatio:P4} creations={s.Creations} evictions={s.Evictions}");
            await pool.DisposeAsync();
        }

        await _link.DisposeAsync();
        await _countedLink.DisposeAsync();
        _exporter.Dispose();
        await _meterServices.DisposeAsync();
        await _intakeStop.CancelAsync();
        await _intakeLoop;
        await _countedIntakeLoop;
        _intakeStop.Dispose();
        await _single.DisposeAsync();
        await _echo.DisposeAsync();
        await _simulator.DisposeAsync();
    }
}

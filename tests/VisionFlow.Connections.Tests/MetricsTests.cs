using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Failures;
using VisionFlow.Connections.Health;
using VisionFlow.Connections.Link;
using VisionFlow.Connections.Metrics;
using VisionFlow.Connections.Pooling;
using VisionFlow.Connections.Resilience;

namespace VisionFlow.Connections.Tests;

public sealed class MetricsTests
{
    [Test]
    public async Task Figures_with_nothing_to_average_yet_are_null_not_zero()
    {
        var time = new FakeTimeProvider();
        var factory = new TestFactory();
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, new ConnectionPoolOptions { MaxConnections = 4, MaintenanceInterval = TimeSpan.Zero }, time);
        var mcp = McpResiliencePipelineFactory.Create(new McpResilienceOptions(), time);
        var degradation = new GracefulDegradationManager(new DegradationOptions(), time);
        var link = new McpLinkStatus(McpLinkState.Connecting, "mcp:9500", "connecting", null, TelemetryMode.Unavailable, 0, null, null, null, null, null);
        var stats = new McpLinkStats(McpLinkState.Connecting, 1, 0, 0, 0, 0, null);
        var snapshot = NetworkResilienceMetrics.Capture(link, stats, mcp, degradation, pool, null, timeProvider: time);
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            NetworkResilienceMetricsWriter.WriteHealthJson(writer, snapshot);
        }

        // No call has been made and nothing rented: an average of nothing is unknown, not 0 attempts or 0 % reuse.
        using var doc = JsonDocument.Parse(buffer.ToArray());
        var details = doc.RootElement.GetProperty("details");
        await Assert.That(details.GetProperty("retry").GetProperty("average_attempts").ValueKind).IsEqualTo(JsonValueKind.Null);
        await Assert.That(details.GetProperty("connection_pool").GetProperty("reuse_ratio").ValueKind).IsEqualTo(JsonValueKind.Null);
        await Assert.That(doc.RootElement.GetProperty("mcp_connection").GetProperty("average_response_time_ms").ValueKind).IsEqualTo(JsonValueKind.Null);

        // The instruments report no value rather than a made-up one.
        using var meter = new Meter("VisionFlow.Connections.Tests." + Guid.NewGuid());
        McpLinkInstruments.Observe(meter, () => link, () => stats, mcp, degradation, pool, null);
        var observed = Observe(meter);
        await Assert.That(observed.ContainsKey("visionflow.mcp.retry.average_attempts")).IsFalse();
        await Assert.That(observed.ContainsKey("visionflow.mcp.pool.reuse_ratio")).IsFalse();
        await Assert.That(observed.ContainsKey("visionflow.mcp.pool.max_connections")).IsTrue();
    }

    [Test]
    public async Task Snapshot_renders_the_health_network_contract_from_live_components()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 10, 30, 45, TimeSpan.Zero));
        var factory = new TestFactory();
        await using var pool = new ConnectionPool<TestConnection>(factory.CreateAsync, new ConnectionPoolOptions { MaxConnections = 10, MaintenanceInterval = TimeSpan.Zero }, time);
        var mcp = McpResiliencePipelineFactory.Create(new McpResilienceOptions { MaxAttempts = 1, AttemptTimeout = null, FailureThreshold = 5 }, time);
        var degradation = new GracefulDegradationManager(new DegradationOptions(), time);
        await using var health = new McpHealthChecker(static _ => default, new HealthCheckerOptions { HealthyThreshold = 1 }, time);

        var held = await pool.RentAsync();
        await using (await pool.RentAsync())
        {
        }

        await using (await pool.RentAsync())
        {
        }

        for (var i = 0; i < 3; i++)
        {
            await mcp.Pipeline.ExecuteAsync(static _ => default);
        }

        try
        {
            await mcp.Pipeline.ExecuteAsync(static _ => ValueTask.FromException(new IOException("reset")));
        }
        catch (IOException)
        {
        }

        await health.CheckNowAsync();
        degradation.HandleFailure(McpFailureType.ConnectionTimeout);

        var link = new McpLinkStatus(McpLinkState.Connected, "mcp:9500", "connected", null, TelemetryMode.Poll, 1, time.GetUtcNow(), null, null, null, null);
        var snapshot = NetworkResilienceMetrics.Capture(link, new McpLinkStats(McpLinkState.Connected, 1, 1, 0, 0, 0, null), mcp, degradation, pool, health, timeProvider: time);
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            NetworkResilienceMetricsWriter.WriteHealthJson(writer, snapshot);
        }

        using var doc = JsonDocument.Parse(buffer.ToArray());
        var root = doc.RootElement;
        var conn = root.GetProperty("mcp_connection");
        var poolJson = conn.GetProperty("connection_pool");
        var stats = root.GetProperty("network_stats");

        await Assert.That(root.GetProperty("status").GetString()).IsEqualTo("degraded");
        await Assert.That(conn.GetProperty("status").GetString()).IsEqualTo("connected");
        await Assert.That(conn.GetProperty("circuit_breaker_state").GetString()).IsEqualTo("closed");
        await Assert.That(poolJson.GetProperty("active_connections").GetInt32()).IsEqualTo(1);
        await Assert.That(poolJson.GetProperty("idle_connections").GetInt32()).IsEqualTo(1);
        await Assert.That(poolJson.GetProperty("total_connections").GetInt32()).IsEqualTo(2);
        await Assert.That(poolJson.GetProperty("max_connections").GetInt32()).IsEqualTo(10);
        await Assert.That(conn.GetProperty("health_score").GetDouble()).IsEqualTo(1.0);
        await Assert.That(conn.GetProperty("last_successful_request").GetString()).IsEqualTo("2026-03-01T10:30:45Z");
        await Assert.That(root.GetProperty("degradation_level").GetString()).IsEqualTo("partial_degradation");
        await Assert.That(root.GetProperty("resilience_patterns").GetProperty("retry_logic").GetString()).IsEqualTo("disabled");
        await Assert.That(root.GetProperty("resilience_patterns").GetProperty("connection_pooling").GetString()).IsEqualTo("active");
        await Assert.That(stats.GetProperty("total_requests").GetInt64()).IsEqualTo(4);
        await Assert.That(stats.GetProperty("successful_requests").GetInt64()).IsEqualTo(3);
        await Assert.That(stats.GetProperty("failed_requests").GetInt64()).IsEqualTo(1);
        await Assert.That(stats.GetProperty("retry_count").GetInt64()).IsEqualTo(0);
        await Assert.That(stats.GetProperty("circuit_breaker_trips").GetInt64()).IsEqualTo(0);
        await Assert.That(root.GetProperty("details").GetProperty("connection_pool").GetProperty("reuse_ratio").GetDouble()).IsEqualTo(0.3333);

        // The instruments read the same live components, and say the same thing.
        using var meter = new Meter("VisionFlow.Connections.Tests." + Guid.NewGuid());
        McpLinkInstruments.Observe(meter, () => link, () => new McpLinkStats(McpLinkState.Connected, 1, 1, 0, 0, 0, null), mcp, degradation, pool, health);
        var observed = Observe(meter);
        await Assert.That(observed["visionflow.mcp.requests"]).IsEqualTo(4);
        await Assert.That(observed["visionflow.mcp.requests.successful"]).IsEqualTo(3);
        await Assert.That(observed["visionflow.mcp.requests.failed"]).IsEqualTo(1);
        await Assert.That(observed["visionflow.mcp.circuit_breaker.state{state=closed}"]).IsEqualTo(1);
        await Assert.That(observed["visionflow.mcp.circuit_breaker.state{state=open}"]).IsEqualTo(0);
        await Assert.That(observed["visionflow.degradation.level"]).IsEqualTo(1);
        await Assert.That(observed["visionflow.mcp.pool.active_connections"]).IsEqualTo(1);
        await Assert.That(observed["visionflow.mcp.pool.total_connections"]).IsEqualTo(2);
        await Assert.That(observed["visionflow.mcp.health_score"]).IsEqualTo(1.0);
        await Assert.That(observed["visionflow.mcp.link.state{state=connected}"]).IsEqualTo(1);
        await Assert.That(observed["visionflow.mcp.connected"]).IsEqualTo(1);
        await held.DisposeAsync();
    }

    [Test]
    public async Task Unknown_figures_are_reported_as_nothing_not_zero()
    {
        var time = new FakeTimeProvider();
        var mcp = McpResiliencePipelineFactory.Create(new McpResilienceOptions { MaxAttempts = 1, AttemptTimeout = null }, time);
        var degradation = new GracefulDegradationManager(new DegradationOptions(), time);
        await using var health = new McpHealthChecker(static _ => default, new HealthCheckerOptions(), time);
        var link = new McpLinkStatus(McpLinkState.Disabled, "mcp:9500", "disabled", null, TelemetryMode.Disabled, 0, null, null, null, null, null);
        using var meter = new Meter("VisionFlow.Connections.Tests." + Guid.NewGuid());
        McpLinkInstruments.Observe(meter, () => link, () => new McpLinkStats(McpLinkState.Disabled, 0, 0, 0, 0, 0, null), mcp, degradation, health: health);

        var observed = Observe(meter);
        // No ping yet and no call answered: no health score and no response time, rather than a fake 0.
        await Assert.That(observed.ContainsKey("visionflow.mcp.health_score")).IsFalse();
        await Assert.That(observed.ContainsKey("visionflow.mcp.average_response_time")).IsFalse();
        // No pool (MCP off): no pool instruments at all.
        await Assert.That(observed.Keys.Any(k => k.StartsWith("visionflow.mcp.pool.", StringComparison.Ordinal))).IsFalse();
        await Assert.That(observed["visionflow.mcp.link.state{state=disabled}"]).IsEqualTo(1);
        await Assert.That(observed["visionflow.mcp.health_checks"]).IsEqualTo(0);
    }

    /// <summary>Reads every observable instrument of <paramref name="meter"/> once: "name{tag=value,…}" → value.</summary>
    private static Dictionary<string, double> Observe(Meter meter)
    {
        var observed = new Dictionary<string, double>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var key = tags.IsEmpty ? instrument.Name : $"{instrument.Name}{{{string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}"))}}}";
            observed[key] = value;
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        listener.RecordObservableInstruments();
        return observed;
    }
}

using System.Text;
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

        var prom = new StringBuilder();
        NetworkResilienceMetricsWriter.WritePrometheus(prom, snapshot);
        var text = prom.ToString();
        await Assert.That(text).Contains("visionflow_mcp_requests_total 4\n");
        await Assert.That(text).Contains("visionflow_mcp_circuit_breaker_state{state=\"closed\"} 1\n");
        await Assert.That(text).Contains("visionflow_degradation_level 1\n");
        await Assert.That(text).Contains("visionflow_mcp_pool_active_connections 1\n");
        await held.DisposeAsync();
    }
}

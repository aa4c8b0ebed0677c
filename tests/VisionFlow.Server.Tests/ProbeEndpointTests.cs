using System.Net;
using System.Text.Json;
using VisionFlow.Server.Configuration;
using VisionFlow.Testing.Hosting;
using VisionFlow.Testing;

namespace VisionFlow.Server.Tests;

/// <summary>
/// The orchestrator probes: liveness answers while the process serves; readiness needs the layout running, not MCP
/// (an MCP outage hits every replica alike, and each still serves the viewer and the knowledge graph).
/// </summary>
public sealed class ProbeEndpointTests
{
    private const string Key = "0123456789abcdef-probe-key";

    [Test]
    public async Task Live_answers_while_nothing_else_runs_and_ready_waits_for_the_layout()
    {
        // runtime: false starts no physics loop: alive, but not able to do its job.
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false }, runtime: false);
        using var live = await server.Http.GetAsync("/api/health/live");
        await Assert.That(live.StatusCode).IsEqualTo(HttpStatusCode.OK);
        using (var doc = JsonDocument.Parse(await live.Content.ReadAsStringAsync()))
        {
            await Assert.That(doc.RootElement.GetProperty("status").GetString()).IsEqualTo("live");
        }

        using var ready = await server.Http.GetAsync("/api/health/ready");
        await Assert.That(ready.StatusCode).IsEqualTo(HttpStatusCode.ServiceUnavailable);
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        await Assert.That(body.RootElement.GetProperty("status").GetString()).IsEqualTo("not_ready");
        await Assert.That(body.RootElement.GetProperty("reason").GetString()).StartsWith("physics is down");
    }

    [Test]
    public async Task Ready_with_mcp_unreachable_because_mcp_is_not_a_readiness_condition()
    {
        // Nothing listens on port 1: the MCP link is down for the whole test, and the health report says so.
        await using var server = await RunningServer.StartAsync(new ServerOptions { McpHost = "127.0.0.1", McpPort = 1, PhysicsBackend = "cpu" });
        var ready = await WaitForReadyAsync(server);
        await Assert.That(ready.GetProperty("reason").ValueKind).IsEqualTo(JsonValueKind.Null);
        var checks = ready.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();
        await Assert.That(checks).IsEquivalentTo(new[] { "http", "physics" });

        using var health = JsonDocument.Parse(await server.Http.GetStringAsync("/api/health"));
        var mcp = health.RootElement.GetProperty("subsystems").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "mcp");
        await Assert.That(mcp.GetProperty("state").GetString()).IsNotEqualTo("up");
    }

    [Test]
    public async Task Probes_need_no_key_and_are_never_rate_limited()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false, ApiKey = Key, RateLimitPerSecond = 1 }, runtime: false);
        for (var i = 0; i < 20; i++)
        {
            using var live = await server.Http.GetAsync("/api/health/live");
            await Assert.That(live.StatusCode).IsEqualTo(HttpStatusCode.OK);
            using var ready = await server.Http.GetAsync("/api/health/ready");
            await Assert.That(ready.StatusCode).IsEqualTo(HttpStatusCode.ServiceUnavailable);
        }
    }

    [Test]
    public async Task Not_ready_once_a_stop_has_begun()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false, PhysicsBackend = "cpu" });
        await WaitForReadyAsync(server);
        var health = (Health.HealthService)server.Services.GetService(typeof(Health.HealthService))!;
        var lifetime = (Microsoft.Extensions.Hosting.IHostApplicationLifetime)server.Services.GetService(typeof(Microsoft.Extensions.Hosting.IHostApplicationLifetime))!;
        lifetime.StopApplication();
        var (ready, report) = health.Readiness();
        await Assert.That(ready).IsFalse();
        await Assert.That(report.Reason).IsEqualTo("stopping");
    }

    internal static async Task<JsonElement> WaitForReadyAsync(RunningServer server)
    {
        // Physics starts in the background after the listener (device probing stays off the start-up path).
        JsonElement body = default;
        await Eventually.UntilAsync(
            async () =>
            {
                using var response = await server.Http.GetAsync("/api/health/ready");
                body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                return response.StatusCode == HttpStatusCode.OK;
            },
            "the service ready",
            TimeSpan.FromSeconds(30),
            pollMilliseconds: 20,
            seen: () => body.ToString());
        await Assert.That(body.GetProperty("status").GetString()).IsEqualTo("ready");
        return body;
    }
}

using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using VisionFlow.Server.Configuration;
using VisionFlow.Testing.Hosting;
using VisionFlow.Testing;

namespace VisionFlow.Server.Tests;

public sealed class HealthEndpointTests
{
    [Test]
    public async Task Health_reports_service_version_uptime_and_subsystems()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        await using var server = await RunningServer.StartAsync(time: time);
        time.Advance(TimeSpan.FromSeconds(90));

        using var response = await server.Http.GetAsync("/api/health");
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(response.Content.Headers.ContentType!.MediaType).IsEqualTo("application/json");

        // The runtime (the MCP link among it) is built after the listener: until then its probes say "starting".
        using var doc = await Eventually.FindAsync(
            async () =>
            {
                var answer = JsonDocument.Parse(await server.Http.GetStringAsync("/api/health"));
                var starting = answer.RootElement.GetProperty("subsystems").EnumerateArray().Any(e => e.GetProperty("name").GetString() == "mcp" && e.GetProperty("state").GetString() == "starting");
                return starting ? null : answer;
            },
            "the MCP link built",
            TimeSpan.FromSeconds(30),
            pollMilliseconds: 10);
        var root = doc.RootElement;
        await Assert.That(root.GetProperty("service").GetString()).IsEqualTo("visionflow");
        await Assert.That(root.GetProperty("version").GetString()).StartsWith("0.1.0");
        await Assert.That(root.GetProperty("uptime_seconds").GetDouble()).IsEqualTo(90.0);
        await Assert.That(root.GetProperty("started_at").GetDateTimeOffset()).IsEqualTo(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

        var subsystems = root.GetProperty("subsystems").EnumerateArray().ToDictionary(
            e => e.GetProperty("name").GetString()!, e => e.GetProperty("state").GetString()!);
        await Assert.That(subsystems["http"]).IsEqualTo("up");
        // MCP is enabled by default and no client is connected: it must not claim to be up.
        await Assert.That(subsystems["mcp"]).IsEqualTo("down");
        await Assert.That(root.GetProperty("status").GetString()).IsEqualTo("degraded");
    }

    [Test]
    public async Task Health_is_ok_when_mcp_is_disabled()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false, PhysicsBackend = "cpu" });
        // Physics starts in the background (device probing must not delay the first answer): wait for it.
        var doc = await Eventually.FindAsync(
            async () =>
            {
                var answer = JsonDocument.Parse(await server.Http.GetStringAsync("/api/health"));
                return answer.RootElement.GetProperty("status").GetString() == "ok" ? answer : null;
            },
            "health ok",
            TimeSpan.FromSeconds(30),
            pollMilliseconds: 25);

        var mcp = doc.RootElement.GetProperty("subsystems").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "mcp");
        await Assert.That(mcp.GetProperty("state").GetString()).IsEqualTo("disabled");
        await Assert.That(doc.RootElement.GetProperty("status").GetString()).IsEqualTo("ok");
    }

    [Test]
    public async Task Unknown_routes_and_wrong_methods_are_rejected()
    {
        await using var server = await RunningServer.StartAsync();
        using var missing = await server.Http.GetAsync("/api/nope");
        await Assert.That(missing.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        using var post = await server.Http.PostAsync("/api/health", new StringContent("{}"));
        await Assert.That(post.StatusCode).IsEqualTo(HttpStatusCode.MethodNotAllowed);
    }

    [Test]
    public async Task Server_header_is_not_sent()
    {
        await using var server = await RunningServer.StartAsync();
        using var response = await server.Http.GetAsync("/api/health");
        await Assert.That(response.Headers.Contains("Server")).IsFalse();
    }
}

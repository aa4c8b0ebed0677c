using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VisionFlow.Server.Configuration;
using VisionFlow.Testing;
using VisionFlow.Testing.Hosting;

namespace VisionFlow.Server.Tests;

public sealed class OpenApiTests
{
    [Test]
    public async Task Every_mapped_route_and_method_is_documented()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false }, runtime: false);
        using var doc = JsonDocument.Parse(await server.Http.GetStringAsync("/openapi.json"));
        await Assert.That(doc.RootElement.GetProperty("openapi").GetString()).StartsWith("3.");
        var paths = doc.RootElement.GetProperty("paths");

        var routes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        await Assert.That(routes.Count).IsGreaterThan(15);
        foreach (var route in routes)
        {
            var pattern = "/" + route.RoutePattern.RawText!.TrimStart('/');
            await Assert.That(paths.TryGetProperty(pattern, out var item)).IsTrue().Because($"{pattern} is mapped but not documented");
            var methods = route.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods.Where(m => m != "HEAD"))
            {
                await Assert.That(item.TryGetProperty(method.ToLowerInvariant(), out _)).IsTrue().Because($"{method} {pattern} is mapped but not documented");
            }
        }
    }

    [Test]
    public async Task Documented_schemas_name_exactly_the_fields_the_answers_carry()
    {
        await using var peer = TestPeer.Start("agent-1");
        await using var server = await RunningServer.StartAsync(new ServerOptions { McpHost = "127.0.0.1", McpPort = peer.Port, RateLimitPerSecond = 0, PhysicsBackend = "cpu" });
        using var doc = JsonDocument.Parse(await server.Http.GetStringAsync("/openapi.json"));
        var schemas = doc.RootElement.GetProperty("components").GetProperty("schemas");
        var agents = await JsonPolling.WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 1, "the agent");
        var status = JsonDocument.Parse(await server.Http.GetStringAsync("/api/bots/status")).RootElement;

        await AssertSameFields(schemas.GetProperty("BotsStatus"), status, "BotsStatus");
        await AssertSameFields(schemas.GetProperty("Agents"), agents, "Agents");
        await AssertSameFields(schemas.GetProperty("Agent"), agents.GetProperty("agents")[0], "Agent");
    }

    private static async Task AssertSameFields(JsonElement schema, JsonElement answer, string name)
    {
        var documented = schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        var sent = answer.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        await Assert.That(sent).IsEquivalentTo(documented).Because($"{name}: documented [{string.Join(", ", documented)}], sent [{string.Join(", ", sent)}]");
    }
}

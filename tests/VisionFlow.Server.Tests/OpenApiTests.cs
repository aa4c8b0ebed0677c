using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VisionFlow.Server.Configuration;
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
}

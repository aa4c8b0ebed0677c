using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VisionFlow.Server.Health;

/// <summary>Maps <c>/api/health</c>.</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", static (HealthService health) =>
            TypedResults.Json(health.Report(), ServerJsonContext.Default.HealthReport));
        app.MapGet("/api/health/network", NetworkHealth);
        return app;
    }

    /// <summary>The seed's network health shape, every number read from the live components.</summary>
    private static IResult NetworkHealth(Mcp.McpServices mcp)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(2048);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            Connections.Metrics.NetworkResilienceMetricsWriter.WriteHealthJson(writer, Connections.Metrics.NetworkResilienceMetrics.Capture(mcp.Link));
        }

        return Results.Bytes(buffer.WrittenMemory.ToArray(), "application/json");
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VisionFlow.Server.Health;

/// <summary>
/// Maps <c>/api/health</c>, <c>/api/health/network</c> and the orchestrator probes: <c>/api/health/live</c> (200 while
/// the process serves) and <c>/api/health/ready</c> (200 when it can do its job, 503 with the reason otherwise).
/// </summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", static (HealthService health) =>
            TypedResults.Json(health.Report(), HealthJsonContext.Default.HealthReport));
        app.MapGet("/api/health/network", NetworkHealth);
        app.MapGet("/api/health/live", static (HealthService health) =>
            TypedResults.Json(health.Liveness(), HealthJsonContext.Default.ProbeReport));
        app.MapGet("/api/health/ready", static (HealthService health) =>
        {
            var (ready, report) = health.Readiness();
            return TypedResults.Json(report, HealthJsonContext.Default.ProbeReport, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
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

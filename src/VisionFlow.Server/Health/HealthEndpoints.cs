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
        return app;
    }
}

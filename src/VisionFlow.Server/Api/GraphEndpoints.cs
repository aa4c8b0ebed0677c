using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VisionFlow.Server.Graph;

namespace VisionFlow.Server.Api;

/// <summary>Maps <c>GET /api/graph</c>: both graphs' nodes (with flags and labels) and edges.</summary>
internal static class GraphEndpoints
{
    public static IEndpointRouteBuilder MapGraphEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/graph", Graph);
        return app;
    }

    private static IResult Graph(GraphService graph) => TypedResults.Json(graph.Current, ApiJsonContext.Default.GraphView);
}

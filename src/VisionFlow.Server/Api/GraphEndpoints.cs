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

    private static async Task<IResult> Graph(GraphService graph, CancellationToken cancellationToken) =>
        TypedResults.Json(await graph.RenderAsync(cancellationToken).ConfigureAwait(false), ApiJsonContext.Default.GraphView);
}

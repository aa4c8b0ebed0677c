using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VisionFlow.Server.Metrics;

/// <summary>Maps <c>GET /metrics</c> in the Prometheus text format.</summary>
internal static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", Render);
        return app;
    }

    private static IResult Render(PrometheusExporter exporter)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        exporter.Write(buffer);
        return Results.Bytes(buffer.WrittenMemory.ToArray(), "text/plain; version=0.0.4; charset=utf-8");
    }
}

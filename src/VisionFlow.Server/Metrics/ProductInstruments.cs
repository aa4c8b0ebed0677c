using Microsoft.Extensions.DependencyInjection;
using VisionFlow.Physics.Diagnostics;
using VisionFlow.Server.Mcp;
using VisionFlow.Server.Runtime;
using VisionFlow.Server.Streaming;

namespace VisionFlow.Server.Metrics;

/// <summary>
/// Creates every product instrument when the host is built, not on first use, so the first <c>/metrics</c> scrape, the
/// first OTLP export and a <c>dotnet-counters</c> attached at start-up all see the same full set.
/// </summary>
internal static class ProductInstruments
{
    public static void Create(IServiceProvider services)
    {
        var meters = services.GetRequiredService<ProductMeters>();
        _ = services.GetRequiredService<PrometheusExporter>();
        _ = services.GetRequiredService<HttpMetrics>();
        StreamMetrics.Observe(meters.Server, services.GetRequiredService<StreamNotices>());
        ProcessMetrics.Observe(meters.Server, services.GetRequiredService<ServiceClock>());
        // The MCP link and the telemetry intake observe themselves as McpServices makes them. The physics loop is built
        // after the listener is up: its instruments exist from the start and report nothing until it does.
        var runtime = services.GetRequiredService<RuntimeStart>();
        PhysicsInstruments.Observe(meters.Physics, () => runtime.Graph?.Physics.Status);
    }
}

using VisionFlow.Server.Streaming;

namespace VisionFlow.Server.Metrics;

/// <summary>The <c>/ws</c> stream's figures for <c>/metrics</c>: clients connected and frames sent to them.</summary>
internal sealed class StreamMetrics(StreamNotices notices) : IMetricsSource
{
    public void WriteMetrics(PrometheusWriter writer)
    {
        writer.Gauge("visionflow_ws_clients", "Connected /ws stream clients.", notices.ClientCount);
        writer.Gauge("visionflow_ws_frames_sent_connected", "Binary frames sent to the currently connected clients.", notices.FramesSentToConnected);
    }
}

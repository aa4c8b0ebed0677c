using System.Diagnostics.Metrics;
using VisionFlow.Server.Streaming;

namespace VisionFlow.Server.Metrics;

/// <summary><c>/ws</c> clients and frames, as observable instruments on the server meter read from <see cref="StreamNotices"/>.</summary>
internal static class StreamMetrics
{
    public static void Observe(Meter meter, StreamNotices notices)
    {
        meter.CreateObservableUpDownCounter("visionflow.ws.clients", () => notices.ClientCount, "{client}", "Connected /ws stream clients.");
        meter.CreateObservableCounter("visionflow.ws.connections", () => notices.Connections, "{client}", "/ws stream clients accepted since start.");
        meter.CreateObservableGauge("visionflow.ws.frames_sent_connected", () => notices.FramesSentToConnected, "{frame}", "Binary frames sent to the currently connected clients.");
        meter.CreateObservableCounter("visionflow.ws.frames_sent", () => notices.FramesSent, "{frame}", "Binary frames sent to /ws clients since start.");
    }
}

namespace VisionFlow.Simulator.Model;

/// <summary>What the last telemetry frame held: its sequence number, time and line counts per event type.</summary>
public readonly record struct TelemetryFrameInfo(
    long Sequence,
    DateTimeOffset Timestamp,
    int Spawned,
    int Terminated,
    int Status,
    int MessageFlows,
    int Metrics)
{
    /// <summary>All lines in the frame.</summary>
    public int TotalLines => Spawned + Terminated + Status + MessageFlows + Metrics;
}

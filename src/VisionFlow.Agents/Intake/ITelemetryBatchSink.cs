namespace VisionFlow.Agents.Intake;

/// <summary>Where a source hands what it collected for one interval; implemented by the intake (same diff engine for both modes).</summary>
public interface ITelemetryBatchSink
{
    /// <summary>One push line <c>{"type":…,"data":{…},"timestamp":…}</c>.</summary>
    void OnLine(ReadOnlySpan<byte> line);

    /// <summary>A complete agent list (poll result); agents it does not contain are removed.</summary>
    void OnAgentList(ReadOnlySpan<byte> json);
}

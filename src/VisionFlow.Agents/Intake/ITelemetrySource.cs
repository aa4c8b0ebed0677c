namespace VisionFlow.Agents.Intake;

/// <summary>
/// A telemetry source. The intake owner calls <see cref="CollectAsync"/> once per interval; the source hands everything it
/// has (buffered push lines, or one poll result) to the sink and says whether the upstream is available.
/// </summary>
public interface ITelemetrySource
{
    /// <summary>Delivers this interval's input to <paramref name="sink"/>; returns false when the upstream is unavailable.</summary>
    ValueTask<bool> CollectAsync(ITelemetryBatchSink sink, CancellationToken cancellationToken);
}

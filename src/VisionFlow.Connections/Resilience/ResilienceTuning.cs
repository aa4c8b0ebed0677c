namespace VisionFlow.Connections.Resilience;

/// <summary>The knobs the adaptive tuner turns at run time: read on every retry/failure, swapped atomically as one value.</summary>
internal sealed record ResilienceTuningValues(TimeSpan InitialDelay, TimeSpan MaxDelay, int FailureThreshold);

/// <summary>Holder of the live <see cref="ResilienceTuningValues"/>, with the baseline a revert returns to.</summary>
internal sealed class ResilienceTuning
{
    private ResilienceTuningValues _current;

    /// <summary>Creates the holder starting at (and remembering) <paramref name="baseline"/>.</summary>
    public ResilienceTuning(ResilienceTuningValues baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        Baseline = baseline;
        _current = baseline;
    }

    /// <summary>The configured values.</summary>
    public ResilienceTuningValues Baseline { get; }

    /// <summary>The values in force.</summary>
    public ResilienceTuningValues Current => Volatile.Read(ref _current);

    /// <summary>Replaces the values in force.</summary>
    public void Set(ResilienceTuningValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(values.FailureThreshold, 1);
        Volatile.Write(ref _current, values);
    }
}

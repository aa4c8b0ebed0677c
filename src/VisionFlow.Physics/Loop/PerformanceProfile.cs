namespace VisionFlow.Physics.Loop;

/// <summary>Tick rate and steps per tick for a <see cref="PerformanceMode"/>.</summary>
/// <param name="TickHz">Ticks per second.</param>
/// <param name="StepsPerTick">Layout iterations per tick (after warm-up).</param>
internal readonly record struct PerformanceProfile(double TickHz, int StepsPerTick)
{
    /// <summary>The profile for a mode.</summary>
    public static PerformanceProfile For(PerformanceMode mode) => mode switch
    {
        PerformanceMode.Reduced => new(30, 1),
        PerformanceMode.Minimal => new(5, 1),
        _ => new(60, 1),
    };

    /// <summary>Timer period.</summary>
    public TimeSpan Period => TimeSpan.FromSeconds(1 / TickHz);
}

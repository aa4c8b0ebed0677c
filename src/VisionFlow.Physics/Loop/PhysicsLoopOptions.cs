namespace VisionFlow.Physics.Loop;

/// <summary>Settings for <see cref="PhysicsLoop"/>.</summary>
public sealed record PhysicsLoopOptions
{
    /// <summary>Force parameters (both node classes and the DualGraph coupling).</summary>
    internal PhysicsParameters Parameters { get; init; } = PhysicsParameters.Default;

    /// <summary>Backend choice; any Vulkan failure (at start or while running) falls back to the CPU path.</summary>
    public BackendPreference Backend { get; init; } = BackendPreference.Auto;

    /// <summary>How often positions are read back and published to readers.</summary>
    public double StreamHz { get; init; } = 20;

    /// <summary>The layout counts as settled when every speed stays below this for <see cref="SettleFrames"/> ticks.</summary>
    public float SettleSpeed { get; init; } = 0.1f;

    /// <summary>Consecutive calm ticks before the loop pauses.</summary>
    public int SettleFrames { get; init; } = 30;

    /// <summary>Most warm-up iterations run in one tick, so a big warm-up never stalls the loop for long.</summary>
    public int WarmupIterationsPerTick { get; init; } = 10;

    /// <summary>Mode at start.</summary>
    public PerformanceMode InitialMode { get; init; } = PerformanceMode.Standard;
}

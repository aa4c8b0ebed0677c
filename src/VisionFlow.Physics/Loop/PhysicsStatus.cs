namespace VisionFlow.Physics.Loop;

/// <summary>Immutable view of the physics loop, swapped atomically; safe to read from any thread.</summary>
public sealed record PhysicsStatus(
    LayoutBackendKind Backend,
    string DeviceName,
    string? FallbackReason,
    PerformanceMode Mode,
    bool Running,
    bool Settled,
    bool WarmingUp,
    long Steps,
    long Ticks,
    long SkippedTicks,
    long Errors,
    double StepP50Microseconds,
    double StepP99Microseconds,
    int NodeCount,
    int EdgeCount,
    float MaxSpeed,
    DateTimeOffset UpdatedAt)
{
    /// <summary>"vulkan" or "cpu", as health and metrics report it.</summary>
    public string BackendName => Backend == LayoutBackendKind.Vulkan ? "vulkan" : "cpu";
}

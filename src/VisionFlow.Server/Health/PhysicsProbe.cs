using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Health;

/// <summary>The physics loop: which backend and device really run, and why a fallback happened.</summary>
internal sealed class PhysicsProbe(RuntimeStart runtime) : ISubsystemProbe
{
    public SubsystemStatus Probe()
    {
        // Until the runtime has started, the loop either does not exist yet or is choosing its backend (the Vulkan
        // device probe): starting, not down.
        if (runtime.Starting || runtime.Graph is not { } graph)
        {
            return RuntimeProbe.NotYet("physics", runtime);
        }

        var s = graph.Physics.Status;
        var detail = $"backend={s.BackendName} device={(string.IsNullOrEmpty(s.DeviceName) ? "cpu" : s.DeviceName)} mode={s.Mode.ToString().ToLowerInvariant()} nodes={s.NodeCount} edges={s.EdgeCount} step_p50_us={s.StepP50Microseconds:F0} step_p99_us={s.StepP99Microseconds:F0}"
            + (s.FallbackReason is { } why ? $" fallback: {why}" : string.Empty);
        return new("physics", s.Running ? SubsystemState.Up : SubsystemState.Down, detail);
    }
}

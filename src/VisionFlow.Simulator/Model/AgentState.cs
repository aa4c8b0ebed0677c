namespace VisionFlow.Simulator.Model;

/// <summary>Lifecycle of a simulated agent; <see cref="Busy"/> while it works on tasks, idle/active otherwise.</summary>
internal enum AgentState
{
    Initializing,
    Idle,
    Active,
    Busy,
    Terminated,
}

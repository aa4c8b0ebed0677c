namespace VisionFlow.Simulator.Model;

/// <summary>Lifecycle of a simulated task.</summary>
internal enum TaskState
{
    Pending,
    InProgress,
    Completed,
    Cancelled,
}

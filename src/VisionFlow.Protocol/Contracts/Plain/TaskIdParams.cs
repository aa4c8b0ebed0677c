namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Params naming one task: <c>{task_id}</c> (<c>task.status</c>, <c>task.cancel</c>).</summary>
internal sealed record TaskIdParams
{
    /// <summary>Task id.</summary>
    public required string TaskId { get; init; }
}

namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Result of <c>task.assign</c>, <c>task.status</c> and <c>task.cancel</c>.</summary>
internal sealed record TaskStatusResult
{
    /// <summary>Task id.</summary>
    public required string TaskId { get; init; }

    /// <summary>Status, e.g. <c>pending</c>, <c>running</c>, <c>completed</c>, <c>cancelled</c>.</summary>
    public string? Status { get; init; }

    /// <summary>Agent working on it.</summary>
    public string? AgentId { get; init; }

    /// <summary>Progress from 0 to 1.</summary>
    public double? Progress { get; init; }
}

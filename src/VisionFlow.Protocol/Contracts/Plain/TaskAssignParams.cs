namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Params of <c>task.assign</c>: <c>{agent_id, task}</c>.</summary>
internal sealed record TaskAssignParams
{
    /// <summary>Agent to assign to.</summary>
    public required string AgentId { get; init; }

    /// <summary>Task description.</summary>
    public required string Task { get; init; }
}

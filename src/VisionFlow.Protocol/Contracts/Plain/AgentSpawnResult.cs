namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Result of <c>agent.spawn</c>: <c>{agent_id, status, session_id}</c>.</summary>
internal sealed record AgentSpawnResult
{
    /// <summary>Id of the new agent.</summary>
    public required string AgentId { get; init; }

    /// <summary>Initial status, e.g. <c>active</c>.</summary>
    public string? Status { get; init; }

    /// <summary>Session the agent runs in.</summary>
    public string? SessionId { get; init; }
}

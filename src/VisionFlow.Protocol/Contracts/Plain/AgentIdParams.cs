namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Params naming one agent: <c>{agent_id}</c> (<c>agent.terminate</c>, <c>agent.status</c>).</summary>
internal sealed record AgentIdParams
{
    /// <summary>Agent id.</summary>
    public required string AgentId { get; init; }
}

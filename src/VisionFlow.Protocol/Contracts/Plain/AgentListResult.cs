namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Result of <c>agent.list</c>.</summary>
public sealed record AgentListResult
{
    /// <summary>The agents.</summary>
    public required IReadOnlyList<AgentStatusResult> Agents { get; init; }
}

namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Result of <c>agent.list</c>.</summary>
internal sealed record AgentListResult
{
    /// <summary>The agents.</summary>
    public required IReadOnlyList<AgentStatusResult> Agents { get; init; }
}

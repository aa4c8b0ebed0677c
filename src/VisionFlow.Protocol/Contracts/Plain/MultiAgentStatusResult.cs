using System.Text.Json.Serialization;

namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Result of <c>multi-agent.initialize</c> and <c>multi-agent.status</c>.</summary>
public sealed record MultiAgentStatusResult
{
    /// <summary>Multi-agent system id.</summary>
    [JsonPropertyName("multi-agent_id")]
    public required string MultiAgentId { get; init; }

    /// <summary>Status, e.g. <c>active</c>.</summary>
    public string? Status { get; init; }

    /// <summary>Topology.</summary>
    public string? Topology { get; init; }

    /// <summary>Member agents.</summary>
    public IReadOnlyList<AgentStatusResult>? Agents { get; init; }
}

using System.Text.Json.Serialization;

namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Result of <c>multi-agent.dissolve</c>.</summary>
internal sealed record MultiAgentDissolveResult
{
    /// <summary>The dissolved system.</summary>
    [JsonPropertyName("multi-agent_id")]
    public string? MultiAgentId { get; init; }

    /// <summary>Final status, e.g. <c>dissolved</c>.</summary>
    public string? Status { get; init; }
}

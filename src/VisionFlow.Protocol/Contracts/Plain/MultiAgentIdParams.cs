using System.Text.Json.Serialization;

namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Params naming one multi-agent system: <c>{"multi-agent_id"}</c>, spelled as the MCP integration design's wire format has it.</summary>
internal sealed record MultiAgentIdParams
{
    /// <summary>Multi-agent system id.</summary>
    [JsonPropertyName("multi-agent_id")]
    public required string MultiAgentId { get; init; }
}

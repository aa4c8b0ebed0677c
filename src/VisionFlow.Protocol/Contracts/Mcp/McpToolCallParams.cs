using System.Text.Json;

namespace VisionFlow.Protocol.Contracts.Mcp;

/// <summary>Params of <c>tools/call</c>: <c>{name, arguments}</c>.</summary>
public sealed record McpToolCallParams
{
    /// <summary>Tool to call.</summary>
    public required string Name { get; init; }

    /// <summary>Arguments matching the tool's input schema.</summary>
    public JsonElement? Arguments { get; init; }

    /// <summary><c>_meta</c>: the trace context of a traced call (<see cref="McpRequestMeta.For"/>); omitted otherwise.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("_meta")]
    public McpRequestMeta? Meta { get; init; }
}

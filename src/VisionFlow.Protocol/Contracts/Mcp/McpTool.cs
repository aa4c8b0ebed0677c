using System.Text.Json;

namespace VisionFlow.Protocol.Contracts.Mcp;

/// <summary>One tool of <c>tools/list</c>: <c>{name, description, inputSchema}</c>.</summary>
public sealed record McpTool
{
    /// <summary>Tool name, e.g. <c>swarm_init</c>.</summary>
    public required string Name { get; init; }

    /// <summary>What the tool does.</summary>
    public string? Description { get; init; }

    /// <summary>JSON Schema of its arguments.</summary>
    public JsonElement? InputSchema { get; init; }
}

namespace VisionFlow.Protocol.Contracts.Mcp;

/// <summary>Name and version of an MCP client or server (<c>clientInfo</c>, <c>serverInfo</c>).</summary>
public sealed record McpImplementation
{
    /// <summary>Implementation name, e.g. <c>ruflo</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Implementation version.</summary>
    public string? Version { get; init; }
}

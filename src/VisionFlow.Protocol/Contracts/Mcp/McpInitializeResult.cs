namespace VisionFlow.Protocol.Contracts.Mcp;

/// <summary>Result of <c>initialize</c>: <c>{protocolVersion, capabilities, serverInfo}</c>.</summary>
public sealed record McpInitializeResult
{
    /// <summary>MCP revision the server chose.</summary>
    public required string ProtocolVersion { get; init; }

    /// <summary>Server capabilities.</summary>
    public McpCapabilities? Capabilities { get; init; }

    /// <summary>Who the server is.</summary>
    public McpImplementation? ServerInfo { get; init; }

    /// <summary>Usage hints for the client.</summary>
    public string? Instructions { get; init; }
}

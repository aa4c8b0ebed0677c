namespace VisionFlow.Protocol.Contracts.Mcp;

/// <summary>Params of <c>initialize</c>: <c>{protocolVersion, capabilities, clientInfo}</c>.</summary>
public sealed record McpInitializeParams
{
    /// <summary>MCP revision the client speaks, e.g. <c>2024-11-05</c>.</summary>
    public required string ProtocolVersion { get; init; }

    /// <summary>Client capabilities.</summary>
    public required McpCapabilities Capabilities { get; init; }

    /// <summary>Who the client is.</summary>
    public required McpImplementation ClientInfo { get; init; }
}

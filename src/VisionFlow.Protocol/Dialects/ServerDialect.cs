namespace VisionFlow.Protocol.Dialects;

/// <summary>Which JSON-RPC dialect a peer speaks.</summary>
public enum ServerDialect
{
    /// <summary>Model Context Protocol: initialize, tools/list, tools/call (Claude Flow's MCP server).</summary>
    Mcp,

    /// <summary>The MCP integration design's plain methods: agent.*, multi-agent.*, task.*, telemetry.subscribe, system.ping.</summary>
    Plain,
}

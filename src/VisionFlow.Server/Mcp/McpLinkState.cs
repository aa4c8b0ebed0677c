namespace VisionFlow.Server.Mcp;

/// <summary>Where the MCP link stands.</summary>
public enum McpLinkState
{
    /// <summary>ENABLE_MCP=false.</summary>
    Disabled,

    /// <summary>First connection attempt in progress.</summary>
    Connecting,

    /// <summary>Profile detected, requests flow.</summary>
    Connected,

    /// <summary>Lost or never reached; reconnecting or probing.</summary>
    Unavailable,
}

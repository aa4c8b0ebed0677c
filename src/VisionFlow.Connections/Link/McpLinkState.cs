namespace VisionFlow.Connections.Link;

/// <summary>Where the MCP link stands, as users are told it.</summary>
public enum McpLinkState
{
    /// <summary><c>ENABLE_MCP=false</c>: no connection is ever made.</summary>
    Disabled,

    /// <summary>The first connection is being made (the server has not been reached yet in this run).</summary>
    Connecting,

    /// <summary>A session is open: the agent listing was read and telemetry flows.</summary>
    Connected,

    /// <summary>The link was lost and a new connection attempt is in progress.</summary>
    Reconnecting,

    /// <summary>The last attempt failed; the next one is scheduled (see <see cref="McpLinkStatus.NextAttemptAt"/>).</summary>
    Unavailable,
}

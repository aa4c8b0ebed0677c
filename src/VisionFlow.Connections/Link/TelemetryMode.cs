namespace VisionFlow.Connections.Link;

/// <summary>How agent telemetry reaches us in the current session.</summary>
public enum TelemetryMode
{
    /// <summary><c>ENABLE_MCP=false</c>.</summary>
    Disabled,

    /// <summary>No session is open.</summary>
    Unavailable,

    /// <summary>The server pushes events (it accepted <c>telemetry.subscribe</c>).</summary>
    Push,

    /// <summary>The server pushes nothing, so its agent listing is polled (Claude Flow's MCP server).</summary>
    Poll,

    /// <summary>The server offers no agent listing at all (an MCP server without the swarm tools).</summary>
    Unsupported,
}

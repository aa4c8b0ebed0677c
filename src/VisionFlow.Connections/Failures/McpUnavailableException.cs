namespace VisionFlow.Connections.Failures;

/// <summary>
/// The link could not take the call: MCP is disabled, not connected, or a connection attempt in progress ended in
/// failure. Carries the failure that keeps it down, so callers answer with the real cause.
/// </summary>
internal sealed class McpUnavailableException : Exception
{
    /// <summary>Creates the error with the failure that keeps the link down.</summary>
    public McpUnavailableException(string message, McpFailure? cause)
        : base(message)
    {
        Cause = cause;
    }

    /// <summary>Creates the error.</summary>
    public McpUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error.</summary>
    public McpUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the error.</summary>
    public McpUnavailableException()
        : base("MCP server unavailable")
    {
    }

    /// <summary>Why the link is down, when known (null when disabled or before the first attempt ended).</summary>
    public McpFailure? Cause { get; }
}

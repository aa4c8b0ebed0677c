namespace VisionFlow.Server.Mcp;

/// <summary>No MCP server is connected (disabled, not reachable yet, or lost); the REST layer answers 503 with the degradation state.</summary>
public sealed class McpUnavailableException : Exception
{
    /// <summary>Creates the error with the reason.</summary>
    public McpUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with the reason and cause.</summary>
    public McpUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the error.</summary>
    public McpUnavailableException()
        : base("MCP server unavailable")
    {
    }
}

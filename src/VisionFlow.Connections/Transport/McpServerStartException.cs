namespace VisionFlow.Connections.Transport;

/// <summary>The MCP server's command could not be started (no such program, not executable, …).</summary>
internal sealed class McpServerStartException : Exception
{
    public McpServerStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public McpServerStartException(string message)
        : base(message)
    {
    }

    public McpServerStartException()
        : base("the MCP server could not be started")
    {
    }
}

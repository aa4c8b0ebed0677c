using VisionFlow.Protocol;

namespace VisionFlow.Connections.Failures;

/// <summary>The MCP bridge refused our <c>MCP_API_KEY</c> (its <c>authenticate</c> request failed): SafeMode, never retried as if transient.</summary>
internal sealed class McpAuthenticationException : Exception
{
    /// <summary>Creates the error from the bridge's answer.</summary>
    public McpAuthenticationException(string message, JsonRpcException innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the error.</summary>
    public McpAuthenticationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error.</summary>
    public McpAuthenticationException()
        : base("MCP authentication failed")
    {
    }

    /// <summary>Creates the error.</summary>
    public McpAuthenticationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

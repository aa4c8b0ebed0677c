namespace VisionFlow.Protocol.Dialects;

/// <summary>
/// A tool ran and reported failure inside a successful JSON-RPC result (<c>isError</c>, <c>"success": false</c>, or an
/// <c>"error"</c> member — Claude Flow's style), surfaced as an application error, never retried as transient.
/// </summary>
// Not sealed: a refusal that needs more said (SwarmInitFailedException: what was rolled back) is still a refusal to
// the one failure classifier.
public class ToolFailedException : JsonRpcException
{
    /// <summary>Creates the error for <paramref name="tool"/> with the server's explanation.</summary>
    public ToolFailedException(string tool, string message, bool notFound)
        : base(JsonRpcErrorCodes.ServerError, $"{tool} failed: {message}")
    {
        Tool = tool;
        IsNotFound = notFound;
    }

    /// <summary>Creates the error with a message.</summary>
    public ToolFailedException(string message)
        : base(JsonRpcErrorCodes.ServerError, message)
    {
        Tool = string.Empty;
    }

    /// <summary>Creates the error with a message and cause.</summary>
    public ToolFailedException(string message, Exception innerException)
        : base(JsonRpcErrorCodes.ServerError, message, innerException)
    {
        Tool = string.Empty;
    }

    /// <summary>Creates the error.</summary>
    public ToolFailedException()
        : this("tool failed")
    {
    }

    /// <summary>The tool (or method) that failed.</summary>
    public string Tool { get; }

    /// <summary>True when the failure says the swarm, agent or task does not exist.</summary>
    public bool IsNotFound { get; }
}

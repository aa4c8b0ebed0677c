namespace VisionFlow.Protocol.Engine;

/// <summary>
/// The connection closed before a request completed (or before a send). An <see cref="IOException"/>, so a resilience
/// pipeline treats it as transient: the request may be retried on another connection.
/// </summary>
public sealed class JsonRpcConnectionClosedException : IOException
{
    /// <summary>Creates the exception for a close with <paramref name="reason"/>.</summary>
    public JsonRpcConnectionClosedException(JsonRpcCloseReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Creates a transport-error exception.</summary>
    public JsonRpcConnectionClosedException()
        : this(JsonRpcCloseReason.TransportError, "JSON-RPC connection closed")
    {
    }

    /// <summary>Creates a transport-error exception with a message.</summary>
    public JsonRpcConnectionClosedException(string message)
        : this(JsonRpcCloseReason.TransportError, message)
    {
    }

    /// <summary>Creates a transport-error exception with a message and cause.</summary>
    public JsonRpcConnectionClosedException(string message, Exception innerException)
        : this(JsonRpcCloseReason.TransportError, message, innerException)
    {
    }

    /// <summary>Why the connection closed.</summary>
    public JsonRpcCloseReason Reason { get; }
}

namespace VisionFlow.Connections.Failures;

/// <summary>What went wrong with an MCP operation, as <see cref="FailureClassifier"/> names it: the one vocabulary that
/// health, degradation, retry, the circuit breaker, polling and the REST error mapping all read.</summary>
public enum McpFailureKind
{
    /// <summary>Nothing listens at the address (connection refused).</summary>
    Refused,

    /// <summary>A connect, handshake, call or ping took longer than its bound.</summary>
    Timeout,

    /// <summary>The peer reset the connection.</summary>
    Reset,

    /// <summary>The peer closed the connection.</summary>
    Closed,

    /// <summary>The host name does not resolve.</summary>
    HostNotFound,

    /// <summary>No route to the host or network.</summary>
    Unreachable,

    /// <summary>The bridge refused our <c>MCP_API_KEY</c>.</summary>
    Authentication,

    /// <summary>The peer broke the wire protocol (an oversized line, a malformed handshake).</summary>
    Protocol,

    /// <summary>Our circuit breaker is open and refused the call without sending it.</summary>
    CircuitOpen,

    /// <summary>No pooled connection became free in time.</summary>
    PoolExhausted,

    /// <summary>The link is down (or disabled), so the call was refused before anything was sent.</summary>
    LinkDown,

    /// <summary>The server does not offer the operation (no such tool or method).</summary>
    NotOffered,

    /// <summary>The server does not know the id it was given.</summary>
    NotFound,

    /// <summary>The server rejected the arguments.</summary>
    InvalidParams,

    /// <summary>The operation ran and reported failure (<c>success: false</c>, <c>isError</c>, a refusal by the server).</summary>
    Refusal,

    /// <summary>Any other JSON-RPC error the server answered with.</summary>
    ServerError,

    /// <summary>The caller gave up (cancellation).</summary>
    Cancelled,

    /// <summary>An exception nobody expected: a defect, logged with its stack trace.</summary>
    Unexpected,
}

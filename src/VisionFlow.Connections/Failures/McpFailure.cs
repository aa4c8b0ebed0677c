namespace VisionFlow.Connections.Failures;

/// <summary>A classified failure: its kind and a one-line message fit for a log line or a problem's detail.</summary>
public readonly record struct McpFailure(McpFailureKind Kind, string Message)
{
    /// <summary>
    /// Transport trouble that a retry on another connection may cure, and that counts against the circuit breaker:
    /// never an answer from the server (it answered, so the link works and a retry repeats the answer), never our own
    /// refusal (breaker open, link down) and never a cancellation.
    /// </summary>
    public bool IsTransient => Kind is McpFailureKind.Refused or McpFailureKind.Timeout or McpFailureKind.Reset or McpFailureKind.Closed
        or McpFailureKind.HostNotFound or McpFailureKind.Unreachable or McpFailureKind.Protocol or McpFailureKind.PoolExhausted;

    /// <summary>The connection itself is gone or unusable: the link must be re-established (a new session).</summary>
    /// <remarks>A timed-out call is not one: a slow answer says nothing about the socket, and a peer that hangs for good
    /// is found by the health checks, which time out too.</remarks>
    public bool LosesLink => Kind is McpFailureKind.Refused or McpFailureKind.Reset or McpFailureKind.Closed
        or McpFailureKind.HostNotFound or McpFailureKind.Unreachable or McpFailureKind.Protocol or McpFailureKind.Authentication;

    /// <summary>
    /// The server answered (the operation is not offered, the id is unknown, the arguments were refused, the tool
    /// reported failure, or another JSON-RPC error): the round trip worked, so for the link's statistics, its breaker,
    /// its tuning and its degradation level this is a success. The operation's own outcome is still this failure.
    /// </summary>
    public bool IsAnswer => Kind is McpFailureKind.NotOffered or McpFailureKind.NotFound or McpFailureKind.InvalidParams
        or McpFailureKind.Refusal or McpFailureKind.ServerError;

    /// <summary>The condition is an expected one (the peer misbehaves or refuses): one log line, no stack trace.</summary>
    public bool IsExpected => Kind != McpFailureKind.Unexpected;

    /// <summary>
    /// What the failure means for the degradation level (the contract's three triggers), or null when it says nothing new
    /// about the peer: answers from the server, cancellations, and our own refusals while the link is already known down.
    /// </summary>
    internal McpFailureType? DegradationTrigger => Kind switch
    {
        McpFailureKind.Timeout or McpFailureKind.PoolExhausted => McpFailureType.ConnectionTimeout,
        McpFailureKind.Refused or McpFailureKind.Reset or McpFailureKind.Closed or McpFailureKind.HostNotFound
            or McpFailureKind.Unreachable or McpFailureKind.Protocol => McpFailureType.ServiceUnavailable,
        McpFailureKind.Authentication => McpFailureType.AuthenticationFailure,
        _ => null,
    };

    /// <summary>What happened, said of the server ("refused the connection"), for messages that name the server first.</summary>
    public string Phrase => Kind switch
    {
        McpFailureKind.Refused => "refused the connection",
        McpFailureKind.Timeout => "did not answer in time",
        McpFailureKind.Reset => "reset the connection",
        McpFailureKind.Closed => "closed the connection",
        McpFailureKind.HostNotFound => "has a host name that does not resolve",
        McpFailureKind.Unreachable => "is unreachable",
        McpFailureKind.Authentication => "refused our MCP_API_KEY",
        McpFailureKind.Protocol => "broke the protocol",
        McpFailureKind.CircuitOpen => "failed too often (circuit breaker open)",
        McpFailureKind.PoolExhausted => "is too busy (no pooled connection free)",
        McpFailureKind.LinkDown => "is not connected",
        _ => "failed",
    };

    /// <summary>snake_case name, as the API writes it.</summary>
    public string KindName => FailureClassifier.Name(Kind);

    /// <inheritdoc />
    public override string ToString() => $"{KindName}: {Message}";
}

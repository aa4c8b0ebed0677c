namespace VisionFlow.Connections.Pooling;

/// <summary>Why a TCP connect failed.</summary>
internal enum ConnectFailureKind
{
    /// <summary>The host answered with a reset: nothing listens on the port.</summary>
    Refused,

    /// <summary>No answer within the connect timeout.</summary>
    Timeout,

    /// <summary>The host name did not resolve.</summary>
    HostNotFound,

    /// <summary>No route to the host or network.</summary>
    Unreachable,

    /// <summary>Any other socket error.</summary>
    Other,
}

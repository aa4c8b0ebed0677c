namespace VisionFlow.Protocol.Engine;

/// <summary>Why a <see cref="JsonRpcConnection"/> closed.</summary>
public enum JsonRpcCloseReason
{
    /// <summary>The peer ended the stream (EOF).</summary>
    PeerClosed,

    /// <summary>Reading or writing the transport failed (socket reset, I/O error).</summary>
    TransportError,

    /// <summary>The peer sent a line longer than the configured maximum.</summary>
    LineTooLong,

    /// <summary>This side disposed the connection.</summary>
    Disposed,
}

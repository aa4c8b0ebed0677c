namespace VisionFlow.Connections.Reconnect;

/// <summary>Where the supervisor stands.</summary>
public enum ReconnectState
{
    /// <summary>The connection is up (or has not been reported lost).</summary>
    Connected,

    /// <summary>Quick attempts at the configured delay.</summary>
    Reconnecting,

    /// <summary>Quick attempts ran out; probing with capped backoff until the server is back.</summary>
    Probing,

    /// <summary>Disposed.</summary>
    Stopped,
}

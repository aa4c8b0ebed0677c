namespace VisionFlow.Connections.Pooling;

/// <summary>How <see cref="TcpConnector"/> dials and tunes a socket.</summary>
public sealed record TcpConnectorOptions
{
    /// <summary>Upper bound for name resolution plus the TCP handshake (MCP_CONNECTION_TIMEOUT).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Disable Nagle: JSON-RPC lines are small and latency-bound.</summary>
    public bool NoDelay { get; init; } = true;

    /// <summary>Enable TCP keepalive so a silently dead peer is noticed while idle in the pool.</summary>
    public bool KeepAlive { get; init; } = true;

    /// <summary>Idle time before the first keepalive probe.</summary>
    public TimeSpan KeepAliveTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Interval between keepalive probes.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Unanswered probes before the connection is declared dead.</summary>
    public int KeepAliveRetryCount { get; init; } = 3;

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid setting.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (ConnectTimeout <= TimeSpan.Zero) errors.Add($"ConnectTimeout must be positive (was {ConnectTimeout})");
        if (KeepAliveTime < TimeSpan.FromSeconds(1)) errors.Add($"KeepAliveTime must be >= 1 s (was {KeepAliveTime})");
        if (KeepAliveInterval < TimeSpan.FromSeconds(1)) errors.Add($"KeepAliveInterval must be >= 1 s (was {KeepAliveInterval})");
        if (KeepAliveRetryCount < 1) errors.Add($"KeepAliveRetryCount must be >= 1 (was {KeepAliveRetryCount})");
        OptionsErrors.ThrowIfAny(errors, "TCP connector options");
    }
}

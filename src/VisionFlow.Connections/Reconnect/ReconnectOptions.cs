namespace VisionFlow.Connections.Reconnect;

/// <summary>How <see cref="ReconnectSupervisor"/> retries a lost connection; validated once, up front.</summary>
public sealed record ReconnectOptions
{
    /// <summary>Quick attempts at the fixed delay before switching to backed-off probing (MCP_RECONNECT_ATTEMPTS).</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>Delay between quick attempts, and the first probe delay's base (MCP_RECONNECT_DELAY).</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Bound on one connect (MCP_CONNECTION_TIMEOUT).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromMilliseconds(30000);

    /// <summary>
    /// Bound on the first attempt after a loss (MCP_RECONNECT_ATTEMPT_TIMEOUT); each attempt that times out doubles it, up
    /// to <see cref="ConnectTimeout"/>.
    /// </summary>
    /// <remarks>
    /// A peer that accepts the connection and never answers (a middlebox that lost the flow, a blackholed route) then costs
    /// seconds per attempt rather than the whole connect timeout, while a live but slow server still gets the full
    /// timeout a few attempts later.
    /// </remarks>
    public TimeSpan FirstAttemptTimeout { get; init; } = TimeSpan.FromMilliseconds(5000);

    /// <summary>Factor by which the probe delay grows after the quick attempts run out.</summary>
    public double ProbeBackoffMultiplier { get; init; } = 2.0;

    /// <summary>Cap on the probe delay: probing never stops, it only slows to this.</summary>
    public TimeSpan MaxProbeDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid setting.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (Attempts < 1) errors.Add($"Attempts must be >= 1 (was {Attempts})");
        if (Delay <= TimeSpan.Zero) errors.Add($"Delay must be positive (was {Delay})");
        if (ConnectTimeout <= TimeSpan.Zero) errors.Add($"ConnectTimeout must be positive (was {ConnectTimeout})");
        if (FirstAttemptTimeout <= TimeSpan.Zero) errors.Add($"FirstAttemptTimeout must be positive (was {FirstAttemptTimeout})");
        if (ProbeBackoffMultiplier < 1 || double.IsNaN(ProbeBackoffMultiplier)) errors.Add($"ProbeBackoffMultiplier must be >= 1 (was {ProbeBackoffMultiplier})");
        if (MaxProbeDelay < Delay) errors.Add($"MaxProbeDelay ({MaxProbeDelay}) must be >= Delay ({Delay})");
        OptionsErrors.ThrowIfAny(errors, "reconnect options");
    }
}

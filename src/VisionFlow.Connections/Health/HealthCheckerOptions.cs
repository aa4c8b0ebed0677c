namespace VisionFlow.Connections.Health;

/// <summary>Timing and thresholds of <see cref="McpHealthChecker"/>; validated once, up front.</summary>
internal sealed record HealthCheckerOptions
{
    /// <summary>Time between pings.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A ping slower than this fails.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive passes needed to call the server healthy.</summary>
    public int HealthyThreshold { get; init; } = 2;

    /// <summary>Consecutive failures needed to call it unhealthy.</summary>
    public int UnhealthyThreshold { get; init; } = 3;

    /// <summary>Weight of the newest latency in the moving average (EWMA alpha), in (0, 1].</summary>
    public double LatencySmoothing { get; init; } = 0.2;

    /// <summary>Average latency at or under which latency does not lower the health score (the MCP integration design's "high latency" line).</summary>
    public TimeSpan LatencyTarget { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How many recent checks the score's success rate covers.</summary>
    public int ScoreWindow { get; init; } = 20;

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid setting.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (Interval <= TimeSpan.Zero) errors.Add($"Interval must be positive (was {Interval})");
        if (Timeout <= TimeSpan.Zero) errors.Add($"Timeout must be positive (was {Timeout})");
        if (HealthyThreshold < 1) errors.Add($"HealthyThreshold must be >= 1 (was {HealthyThreshold})");
        if (UnhealthyThreshold < 1) errors.Add($"UnhealthyThreshold must be >= 1 (was {UnhealthyThreshold})");
        if (!(LatencySmoothing > 0 && LatencySmoothing <= 1)) errors.Add($"LatencySmoothing must be in (0, 1] (was {LatencySmoothing})");
        if (LatencyTarget <= TimeSpan.Zero) errors.Add($"LatencyTarget must be positive (was {LatencyTarget})");
        if (ScoreWindow is < 1 or > 1024) errors.Add($"ScoreWindow must be in [1, 1024] (was {ScoreWindow})");
        OptionsErrors.ThrowIfAny(errors, "health checker options");
    }
}

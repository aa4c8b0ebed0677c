namespace VisionFlow.Connections.Adaptive;

/// <summary>The adaptive rules' triggers, targets and hard limits (the MCP integration design's "Adaptive Configuration"); validated once, up front.</summary>
internal sealed record AdaptiveTuningOptions
{
    /// <summary>How often the rules are evaluated.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Average latency above which retry delays are lengthened.</summary>
    public TimeSpan HighLatency { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Average latency under which lengthened delays revert (below the trigger, so the rule does not flap).</summary>
    public TimeSpan LatencyRecovered { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Initial retry delay while latency is high.</summary>
    public TimeSpan HighLatencyInitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Maximum retry delay while latency is high.</summary>
    public TimeSpan HighLatencyMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Error rate (0..1) above which the breaker becomes more sensitive.</summary>
    public double HighErrorRate { get; init; } = 0.10;

    /// <summary>Error rate under which the breaker threshold reverts.</summary>
    public double ErrorRateRecovered { get; init; } = 0.05;

    /// <summary>Breaker failure threshold while the error rate is high.</summary>
    public int HighErrorFailureThreshold { get; init; } = 3;

    /// <summary>Pool utilisation (0..1) above which the pool's maximum grows.</summary>
    public double HighUtilisation { get; init; } = 0.80;

    /// <summary>Pool utilisation under which a grown maximum shrinks back toward the configured one.</summary>
    public double LowUtilisation { get; init; } = 0.50;

    /// <summary>Connections added (or removed) per evaluation.</summary>
    public int PoolStep { get; init; } = 2;

    /// <summary>Most changes kept for the stats.</summary>
    public int HistoryCapacity { get; init; } = 32;

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid setting.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (Interval <= TimeSpan.Zero) errors.Add($"Interval must be positive (was {Interval})");
        if (LatencyRecovered > HighLatency) errors.Add($"LatencyRecovered ({LatencyRecovered}) must be <= HighLatency ({HighLatency})");
        if (HighLatencyInitialDelay <= TimeSpan.Zero || HighLatencyMaxDelay < HighLatencyInitialDelay) errors.Add("HighLatencyInitialDelay must be positive and <= HighLatencyMaxDelay");
        if (HighErrorRate is <= 0 or > 1 || ErrorRateRecovered < 0 || ErrorRateRecovered > HighErrorRate) errors.Add("Error rates must satisfy 0 <= ErrorRateRecovered <= HighErrorRate <= 1");
        if (HighErrorFailureThreshold < 1) errors.Add($"HighErrorFailureThreshold must be >= 1 (was {HighErrorFailureThreshold})");
        if (HighUtilisation is <= 0 or > 1 || LowUtilisation < 0 || LowUtilisation >= HighUtilisation) errors.Add("Utilisations must satisfy 0 <= LowUtilisation < HighUtilisation <= 1");
        if (PoolStep < 1) errors.Add($"PoolStep must be >= 1 (was {PoolStep})");
        if (HistoryCapacity < 1) errors.Add($"HistoryCapacity must be >= 1 (was {HistoryCapacity})");
        OptionsErrors.ThrowIfAny(errors, "adaptive tuning options");
    }
}

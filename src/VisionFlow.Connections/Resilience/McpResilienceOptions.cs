namespace VisionFlow.Connections.Resilience;

/// <summary>Settings of the MCP resilience pipeline (timeout, retry, circuit breaker); validated once, up front.</summary>
internal sealed record McpResilienceOptions
{
    /// <summary>Bound on one call including all its retries and delays.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Bound on one attempt (null: no per-attempt bound). A timed-out attempt is a transient failure.</summary>
    public TimeSpan? AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts in all, the first included (1 disables retries).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Delay before the first retry; each later retry multiplies it by <see cref="BackoffMultiplier"/>.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Cap on any retry delay, jitter included.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Exponential backoff factor.</summary>
    public double BackoffMultiplier { get; init; } = 2.0;

    /// <summary>Jitter added on top of each delay: delay × factor × U[0,1). Zero makes delays exact.</summary>
    public double JitterFactor { get; init; } = 0.2;

    /// <summary>Consecutive transient failures that open the circuit.</summary>
    public int FailureThreshold { get; init; } = 5;

    /// <summary>How long the circuit stays open before one probe is let through (half-open).</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra failures to treat as transient (for example the engine's connection-closed exception).</summary>
    public Func<Exception, bool>? AdditionalTransient { get; init; }

    /// <summary>Source of U[0,1) for jitter; tests pin it.</summary>
    public Func<double>? Random { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid setting.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (TotalTimeout < TimeSpan.FromMilliseconds(10)) errors.Add($"TotalTimeout must be >= 10 ms (was {TotalTimeout})");
        if (AttemptTimeout is { } at && at < TimeSpan.FromMilliseconds(10)) errors.Add($"AttemptTimeout must be >= 10 ms (was {at})");
        if (MaxAttempts is < 1 or > 100) errors.Add($"MaxAttempts must be in [1, 100] (was {MaxAttempts})");
        if (InitialDelay < TimeSpan.Zero) errors.Add($"InitialDelay must be >= 0 (was {InitialDelay})");
        if (MaxDelay < InitialDelay) errors.Add($"MaxDelay ({MaxDelay}) must be >= InitialDelay ({InitialDelay})");
        if (BackoffMultiplier < 1.0 || double.IsNaN(BackoffMultiplier)) errors.Add($"BackoffMultiplier must be >= 1 (was {BackoffMultiplier})");
        if (JitterFactor is < 0 or > 10 || double.IsNaN(JitterFactor)) errors.Add($"JitterFactor must be in [0, 10] (was {JitterFactor})");
        if (FailureThreshold < 1) errors.Add($"FailureThreshold must be >= 1 (was {FailureThreshold})");
        if (BreakDuration < TimeSpan.FromMilliseconds(1)) errors.Add($"BreakDuration must be >= 1 ms (was {BreakDuration})");
        OptionsErrors.ThrowIfAny(errors, "resilience options");
    }
}

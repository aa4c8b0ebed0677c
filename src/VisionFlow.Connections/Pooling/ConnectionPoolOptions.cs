namespace VisionFlow.Connections.Pooling;

/// <summary>Limits and timings of a <see cref="ConnectionPool{TConnection}"/>; validated once, up front.</summary>
internal sealed record ConnectionPoolOptions
{
    /// <summary>Connections kept open even when idle (refilled by maintenance).</summary>
    public int MinConnections { get; init; }

    /// <summary>Most connections open at once (leased + idle). The adaptive tuner may raise it up to <see cref="HardMaxConnections"/>.</summary>
    public int MaxConnections { get; init; } = 10;

    /// <summary>Ceiling no run-time resize may cross.</summary>
    public int HardMaxConnections { get; init; } = 32;

    /// <summary>Most idle connections kept; a returned connection beyond this is closed.</summary>
    public int MaxIdleConnections { get; init; } = 10;

    /// <summary>An idle connection older than this (since last use) is evicted, down to <see cref="MinConnections"/>.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>A connection older than this (since creation) is closed when returned or by the next maintenance pass. <see cref="Timeout.InfiniteTimeSpan"/> disables.</summary>
    public TimeSpan MaxLifetime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Run <see cref="IPooledConnection.CheckHealthAsync"/> before handing out an idle connection.</summary>
    public bool HealthCheckOnBorrow { get; init; } = true;

    /// <summary>Run <see cref="IPooledConnection.CheckHealthAsync"/> when a lease returns its connection.</summary>
    public bool HealthCheckOnReturn { get; init; }

    /// <summary>Callers allowed to queue for a connection when the pool is full; one more fails at once.</summary>
    public int MaxWaitQueue { get; init; } = 256;

    /// <summary>How long a queued caller waits before <see cref="PoolExhaustedException"/>.</summary>
    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the maintenance pass (eviction, refill) runs. <see cref="TimeSpan.Zero"/> disables the timer.</summary>
    public TimeSpan MaintenanceInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid setting.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (MinConnections < 0) errors.Add($"MinConnections must be >= 0 (was {MinConnections})");
        if (MaxConnections < 1) errors.Add($"MaxConnections must be >= 1 (was {MaxConnections})");
        if (MinConnections > MaxConnections) errors.Add($"MinConnections ({MinConnections}) must not exceed MaxConnections ({MaxConnections})");
        if (HardMaxConnections < MaxConnections) errors.Add($"HardMaxConnections ({HardMaxConnections}) must be >= MaxConnections ({MaxConnections})");
        if (MaxIdleConnections < MinConnections) errors.Add($"MaxIdleConnections ({MaxIdleConnections}) must be >= MinConnections ({MinConnections})");
        if (IdleTimeout <= TimeSpan.Zero) errors.Add($"IdleTimeout must be positive (was {IdleTimeout})");
        if (MaxLifetime <= TimeSpan.Zero && MaxLifetime != Timeout.InfiniteTimeSpan) errors.Add($"MaxLifetime must be positive or infinite (was {MaxLifetime})");
        if (MaxWaitQueue < 0) errors.Add($"MaxWaitQueue must be >= 0 (was {MaxWaitQueue})");
        if (WaitTimeout < TimeSpan.Zero || WaitTimeout > TimeSpan.FromDays(1)) errors.Add($"WaitTimeout must be in [0, 1 day] (was {WaitTimeout})");
        if (MaintenanceInterval < TimeSpan.Zero) errors.Add($"MaintenanceInterval must be >= 0 (was {MaintenanceInterval})");
        OptionsErrors.ThrowIfAny(errors, "connection pool options");
    }
}

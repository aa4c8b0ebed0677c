namespace VisionFlow.Simulator.Model;

/// <summary>Settings of a <see cref="SwarmSimulator"/>; validated by <see cref="Validate"/>.</summary>
public sealed record SimulatorOptions
{
    /// <summary>Seed of the simulator's random source: the same seed, clock and calls give the same bytes.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Telemetry frames per second produced by <see cref="TelemetryPump"/> (10 Hz and up).</summary>
    public double TelemetryRateHz { get; init; } = 10;

    /// <summary>How often <c>metrics.*</c> events are emitted (simulated time).</summary>
    public TimeSpan MetricsInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Per-swarm agent limit used when a request does not give one.</summary>
    public int DefaultMaxAgentsPerSwarm { get; init; } = 50;

    /// <summary>Upper bound a request may ask for as a swarm's agent limit.</summary>
    public int MaxAgentsPerSwarmLimit { get; init; } = 100_000;

    /// <summary>Live agents across all swarms (and swarm-less agents) the simulator accepts.</summary>
    public int MaxTotalAgents { get; init; } = 100_000;

    /// <summary>Cap on <c>message.flow</c> events per simulated second, across all swarms.</summary>
    public int MaxMessageFlowsPerSecond { get; init; } = 20_000;

    /// <summary>
    /// When on, a swarm whose coordinator (its first agent) works on a task hands subtasks to its idle agents, about
    /// one per idle agent every <see cref="DelegationMeanSeconds"/>, so a swarm stays busy without a driver.
    /// </summary>
    public bool AutonomousWork { get; init; }

    /// <summary>Mean seconds an idle agent waits for a delegated subtask when <see cref="AutonomousWork"/> is on.</summary>
    public double DelegationMeanSeconds { get; init; } = 10;

    /// <summary>Finished (completed or cancelled) tasks kept for status queries; older ones are forgotten.</summary>
    public int MaxFinishedTasks { get; init; } = 10_000;

    /// <summary>Version reported in <c>serverInfo</c>.</summary>
    public string ServerVersion { get; init; } = "0.1.0";

    /// <summary>Interval between telemetry frames.</summary>
    public TimeSpan TickInterval => TimeSpan.FromSeconds(1.0 / TelemetryRateHz);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for settings outside their ranges.</summary>
    public SimulatorOptions Validate()
    {
        if (!(TelemetryRateHz >= 10 && TelemetryRateHz <= 1000))
        {
            throw new ArgumentOutOfRangeException(nameof(TelemetryRateHz), TelemetryRateHz, "telemetry rate must be between 10 and 1000 Hz");
        }

        if (MetricsInterval < TimeSpan.FromMilliseconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(MetricsInterval), MetricsInterval, "metrics interval must be at least 1 ms");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(DefaultMaxAgentsPerSwarm, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAgentsPerSwarmLimit, DefaultMaxAgentsPerSwarm);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTotalAgents, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxMessageFlowsPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxFinishedTasks);
        if (!(DelegationMeanSeconds > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(DelegationMeanSeconds), DelegationMeanSeconds, "delegation mean must be positive");
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(ServerVersion);
        return this;
    }
}

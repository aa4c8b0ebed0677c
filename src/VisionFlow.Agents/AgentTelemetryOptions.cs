namespace VisionFlow.Agents;

/// <summary>Tuning for telemetry intake, the agent cache and message-flow edges.</summary>
public sealed record AgentTelemetryOptions
{
    /// <summary>Batch interval; 100 ms gives the 10 Hz telemetry rate of the MCP integration design.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>MCP_MAX_AGENTS: agents beyond this are refused and counted.</summary>
    public int MaxAgents { get; init; } = 50;

    /// <summary>Intervals without telemetry after which an agent is marked stale.</summary>
    public int StaleAfterIntervals { get; init; } = 50;

    /// <summary>Intervals without telemetry after which an agent is removed.</summary>
    public int RemoveAfterIntervals { get; init; } = 300;

    /// <summary>Message-flow events kept in the history ring.</summary>
    public int FlowHistoryCapacity { get; init; } = 1024;

    /// <summary>Half-life of an edge's traffic weight.</summary>
    public TimeSpan EdgeHalfLife { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Edges whose decayed weight falls below this disappear.</summary>
    public double EdgeWeightFloor { get; init; } = 0.05;

    /// <summary>Upper bound on live agent-to-agent edges; new edges beyond it are counted and dropped.</summary>
    public int MaxEdges { get; init; } = 4096;

    /// <summary>Longest accepted identifier (agent id, type, status, swarm) in UTF-8 bytes.</summary>
    public int MaxIdBytes { get; init; } = 256;

    internal int KeyCapacity => Math.Max(64, MaxAgents * 2 + 64);

    internal void Validate()
    {
        if (Interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "interval must be positive");
        if (MaxAgents < 1) throw new ArgumentOutOfRangeException(nameof(MaxAgents), MaxAgents, "MCP_MAX_AGENTS must be at least 1");
        if (StaleAfterIntervals < 1 || RemoveAfterIntervals <= StaleAfterIntervals)
            throw new ArgumentOutOfRangeException(nameof(RemoveAfterIntervals), RemoveAfterIntervals, "removal must come after staleness");
        if (FlowHistoryCapacity < 1) throw new ArgumentOutOfRangeException(nameof(FlowHistoryCapacity));
        if (EdgeHalfLife <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(EdgeHalfLife));
        if (EdgeWeightFloor <= 0) throw new ArgumentOutOfRangeException(nameof(EdgeWeightFloor));
        if (MaxEdges < 1) throw new ArgumentOutOfRangeException(nameof(MaxEdges));
        if (MaxIdBytes < 8) throw new ArgumentOutOfRangeException(nameof(MaxIdBytes));
    }
}

namespace VisionFlow.Agents.Cache;

/// <summary>Immutable view of the agent cache, swapped atomically; readers never lock the intake.</summary>
public sealed class AgentSnapshot
{
    internal AgentSnapshot(long version, bool available, int maxAgents, IReadOnlyList<AgentInfo> agents, IReadOnlyList<AgentEdgeInfo> edges, DateTimeOffset builtAt)
    {
        Version = version;
        Available = available;
        MaxAgents = maxAgents;
        Agents = agents;
        Edges = edges;
        BuiltAt = builtAt;
    }

    /// <summary>An empty snapshot of an unavailable source (the state before the first batch).</summary>
    public static AgentSnapshot Unavailable(int maxAgents) => new(0, false, maxAgents, [], [], DateTimeOffset.MinValue);

    /// <summary>Cache version this snapshot reflects.</summary>
    public long Version { get; }

    /// <summary>False when the telemetry source is unavailable; the agent list is then empty (never mock data).</summary>
    public bool Available { get; }

    /// <summary>MCP_MAX_AGENTS in force.</summary>
    public int MaxAgents { get; }

    /// <summary>Agents, ordered by id.</summary>
    public IReadOnlyList<AgentInfo> Agents { get; }

    /// <summary>Communication edges.</summary>
    public IReadOnlyList<AgentEdgeInfo> Edges { get; }

    /// <summary>When the snapshot was built.</summary>
    public DateTimeOffset BuiltAt { get; }
}

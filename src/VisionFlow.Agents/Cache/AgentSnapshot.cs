namespace VisionFlow.Agents.Cache;

/// <summary>Immutable view of the agent cache, swapped atomically; readers never lock the intake.</summary>
public sealed class AgentSnapshot
{
    internal AgentSnapshot(
        long version,
        bool available,
        int maxAgents,
        IReadOnlyList<AgentInfo> agents,
        IReadOnlyList<AgentEdgeInfo> edges,
        DateTimeOffset builtAt,
        IReadOnlyList<MessageFlowInfo>? recentFlows = null,
        IReadOnlyDictionary<string, double>? metrics = null,
        long rejectedOverLimit = 0,
        int untracked = 0)
    {
        Untracked = untracked;
        RecentFlows = recentFlows ?? [];
        Metrics = metrics ?? new Dictionary<string, double>();
        RejectedOverLimit = rejectedOverLimit;
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

    /// <summary>The message-flow history ring, oldest first (<c>communications</c> in the MCP integration design's agent data).</summary>
    internal IReadOnlyList<MessageFlowInfo> RecentFlows { get; }

    /// <summary>Last value of each <c>metrics.*</c> event by name (the part after <c>metrics.</c>).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>Agents refused so far because of MCP_MAX_AGENTS.</summary>
    public long RejectedOverLimit { get; }

    /// <summary>Agents the peer reports beyond <c>MCP_MAX_AGENTS</c> at this snapshot: they exist, and are not in <see cref="Agents"/>.</summary>
    public int Untracked { get; }

    /// <summary>When the snapshot was built.</summary>
    public DateTimeOffset BuiltAt { get; }
}

using VisionFlow.Agents.Cache;
using VisionFlow.Agents.Knowledge;
using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Agents.Graph;

/// <summary>
/// One build of the <see cref="DualGraph"/>: what was laid out, from immutable inputs, so rendering it later (for
/// <c>/api/graph</c>, on first request) gives exactly what rendering it then would have.
/// </summary>
public sealed class DualGraphSnapshot
{
    private readonly uint[] _knowledgeIds;
    private readonly StructureHubs.Layout _hubs;

    internal DualGraphSnapshot(long version, KnowledgeSet? knowledge, uint[] knowledgeIds, AgentSnapshot? agents, string? agentGraphOffReason, StructureHubs.Layout? hubs = null)
    {
        _hubs = hubs ?? StructureHubs.Layout.None;
        Version = version;
        Knowledge = knowledge;
        _knowledgeIds = knowledgeIds;
        Agents = agents;
        AgentGraphOffReason = agentGraphOffReason;
    }

    /// <summary>Before the first build.</summary>
    public static DualGraphSnapshot Empty { get; } = new(0, null, [], null, "starting");

    /// <summary>Increases with every build.</summary>
    public long Version { get; }

    /// <summary>The knowledge set shown; null when the knowledge graph is off.</summary>
    public KnowledgeSet? Knowledge { get; }

    /// <summary>Node ids of <see cref="Knowledge"/>'s notes, in note order.</summary>
    public ReadOnlySpan<uint> KnowledgeIds => _knowledgeIds;

    /// <summary>The agents shown; null when the agent graph is off.</summary>
    public AgentSnapshot? Agents { get; }

    /// <summary>Why the agent graph is off, when it is.</summary>
    public string? AgentGraphOffReason { get; }

    /// <summary>Whether the knowledge graph is shown.</summary>
    public bool KnowledgeGraphEnabled => Knowledge is not null;

    /// <summary>Knowledge nodes in this build.</summary>
    public int KnowledgeNodes => _knowledgeIds.Length;

    /// <summary>All nodes in this build.</summary>
    public int NodeCount => _knowledgeIds.Length + (Agents?.Agents.Count ?? 0) + _hubs.Ids.Length;

    /// <summary>Node ids of the hubs, swarms (<see cref="SwarmHubs"/>, ids <c>0xC0000000 | key</c>) then tasks (<see cref="TaskHubs"/>, <c>0xE0000000 | key</c>).</summary>
    public ReadOnlySpan<uint> HubIds => _hubs.Ids;

    /// <summary>The swarms drawn as hubs, in <see cref="HubIds"/> order.</summary>
    public IReadOnlyList<SwarmInfo> SwarmHubs => _hubs.Swarms;

    /// <summary>The open tasks drawn as hubs, after the swarms in <see cref="HubIds"/>.</summary>
    public IReadOnlyList<TaskSummary> TaskHubs => _hubs.Tasks;

    /// <summary>
    /// The hubs' edges as node ids: a swarm hub and one of its agents (membership), or a task hub and an agent it is
    /// assigned to (<c>Assignment</c>).
    /// </summary>
    public IReadOnlyList<(uint Hub, uint Agent, bool Assignment)> HubEdges()
    {
        if (Agents is not { } agents || _hubs.Edges.Count == 0)
        {
            return [];
        }

        var ids = _hubs.Ids;
        var swarms = _hubs.Swarms.Count;
        var edges = new List<(uint Hub, uint Agent, bool Assignment)>(_hubs.Edges.Count);
        foreach (var (hub, agent) in _hubs.Edges) edges.Add((ids[hub], agents.Agents[agent].NodeId, hub >= swarms));
        return edges;
    }

    /// <summary>The agent graph's edges as pairs of agent indices (into <see cref="Agents"/>), with weights.</summary>
    public IReadOnlyList<(int A, int B, float Weight)> AgentEdges()
    {
        if (Agents is not { } agents)
        {
            return [];
        }

        var pairs = new List<(int A, int B, float Weight)>(agents.Edges.Count);
        DualGraph.AddAgentEdges(agents, new Dictionary<string, int>(agents.Agents.Count, StringComparer.Ordinal), pairs, 0);
        return pairs;
    }
}

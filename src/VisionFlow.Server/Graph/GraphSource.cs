using VisionFlow.Agents.Cache;
using VisionFlow.Agents.Knowledge;

namespace VisionFlow.Server.Graph;

/// <summary>
/// What one rebuild handed to physics, from which <c>/api/graph</c>'s <see cref="GraphView"/> is rendered on first request.
/// </summary>
/// <remarks>
/// The graph is rebuilt on every agent update (ten times a second) but read far less often; rendering its node and edge
/// views each time put 10,000+ objects a tick on the heap at 10,000 agents. The snapshot and knowledge set it keeps are
/// immutable, so rendering later gives exactly what rendering then would have.
/// </remarks>
internal sealed class GraphSource
{
    private readonly KnowledgeSet? _knowledge;
    private readonly uint[] _knowledgeIds;
    private readonly AgentSnapshot? _agents;
    private readonly string? _agentReason;
    private GraphView? _view;

    /// <summary>Captures one build; <paramref name="agents"/> is null when the agent graph is not shown.</summary>
    public GraphSource(long version, KnowledgeSet? knowledge, uint[] knowledgeIds, AgentSnapshot? agents, bool knowledgeEnabled, string? agentReason)
    {
        Version = version;
        _knowledge = knowledge;
        _knowledgeIds = knowledgeIds;
        _agents = agents;
        KnowledgeGraphEnabled = knowledgeEnabled;
        _agentReason = agentReason;
    }

    /// <summary>Before the first build.</summary>
    public static GraphSource Empty { get; } = new(0, null, [], null, true, "starting");

    public long Version { get; }

    public bool KnowledgeGraphEnabled { get; }

    /// <summary>Knowledge nodes in this build (the health probe's count, without rendering the view).</summary>
    public int KnowledgeNodes => _knowledgeIds.Length;

    /// <summary>The view, rendered once per build on first use.</summary>
    public GraphView View => Volatile.Read(ref _view) ?? Interlocked.CompareExchange(ref _view, Render(), null) ?? _view!;

    /// <summary>
    /// Adds the agent graph's message-flow edges as pairs of agent indices (plus <paramref name="offset"/>): flows between
    /// known, distinct agents, weights clamped to what physics accepts. <paramref name="indexById"/> is filled here.
    /// </summary>
    public static void AddAgentEdges(AgentSnapshot agents, Dictionary<string, int> indexById, List<(int A, int B, float Weight)> edges, int offset)
    {
        indexById.Clear();
        var list = agents.Agents;
        for (var i = 0; i < list.Count; i++)
        {
            indexById[list[i].Id] = offset + i;
        }

        foreach (var edge in agents.Edges)
        {
            if (indexById.TryGetValue(edge.SourceId, out var a) && indexById.TryGetValue(edge.TargetId, out var b) && a != b)
            {
                edges.Add((a, b, (float)Math.Clamp(edge.Weight, 0.01, 100)));
            }
        }
    }

    private GraphView Render()
    {
        var agentCount = _agents?.Agents.Count ?? 0;
        var nodes = new List<GraphNodeView>(_knowledgeIds.Length + agentCount);
        var edges = new List<GraphEdgeView>((_knowledge?.Links.Count ?? 0) + (_agents?.Edges.Count ?? 0));
        if (_knowledge is { } knowledge)
        {
            for (var i = 0; i < _knowledgeIds.Length; i++)
            {
                nodes.Add(new GraphNodeView(_knowledgeIds[i], "knowledge", knowledge.Notes[i].Name, null, null, false));
            }

            foreach (var (from, to) in knowledge.Links)
            {
                edges.Add(new GraphEdgeView(_knowledgeIds[from], _knowledgeIds[to], 1f, "link"));
            }
        }

        if (_agents is { } agents)
        {
            foreach (var agent in agents.Agents)
            {
                nodes.Add(new GraphNodeView(agent.NodeId, "agent", agent.Id, agent.Status, agent.Type, agent.IsStale));
            }

            var pairs = new List<(int A, int B, float Weight)>(agents.Edges.Count);
            AddAgentEdges(agents, new Dictionary<string, int>(agentCount, StringComparer.Ordinal), pairs, 0);
            foreach (var (a, b, weight) in pairs)
            {
                edges.Add(new GraphEdgeView(agents.Agents[a].NodeId, agents.Agents[b].NodeId, weight, "message_flow"));
            }
        }

        return new GraphView(Version, nodes, edges, KnowledgeGraphEnabled, _agents is not null, _agentReason);
    }
}

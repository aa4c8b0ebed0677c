using VisionFlow.Agents.Cache;
using VisionFlow.Agents.Knowledge;
using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Agents.Graph;

/// <summary>
/// The one graph model the product shows: the knowledge graph (markdown notes, ids with bit 31 clear) and the agent graph
/// (agents and their message flows, ids with bit 31 set, with a hub per swarm and per open task joined to their members
/// and assignees) side by side. Each <see cref="Build"/> turns the current
/// knowledge set and agent snapshot into what physics lays out (<see cref="Ids"/>, <see cref="Edges"/>) and an immutable
/// <see cref="DualGraphSnapshot"/> that <c>/api/graph</c> renders, so physics, the stream and the API read one model.
/// </summary>
/// <remarks>
/// One owner (the graph loop) calls <see cref="Build"/>; it runs on every agent change, so its buffers are reused and it
/// allocates nothing in steady state. A note keeps its node id for as long as the process runs (ids by case-insensitive
/// name, starting at 1), across reloads of the folder, so the layout and the browsers keep their place.
/// </remarks>
public sealed class DualGraph
{
    private readonly Dictionary<string, uint> _knowledgeIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(int A, int B, float Weight)> _edges = [];
    private readonly Dictionary<string, int> _agentIndex = new(StringComparer.Ordinal);
    private readonly StructureHubs _hubs = new();
    private uint[] _ids = [];
    private int _count;
    private KnowledgeSet? _idsFor;
    private uint[] _idsOfSet = [];
    private uint _nextKnowledgeId = 1;
    private DualGraphSnapshot _current = DualGraphSnapshot.Empty;

    /// <summary>Node ids of the last build: knowledge notes first, then agents (valid until the next build).</summary>
    public ReadOnlySpan<uint> Ids => _ids.AsSpan(0, _count);

    /// <summary>Edges of the last build as index pairs into <see cref="Ids"/>, with weights physics accepts.</summary>
    public ReadOnlySpan<(int A, int B, float Weight)> Edges => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_edges);

    /// <summary>The last build, immutable (safe to read from any thread).</summary>
    public DualGraphSnapshot Current => Volatile.Read(ref _current);

    /// <summary>
    /// Builds the graph from <paramref name="knowledge"/> (null: the knowledge graph is off) and <paramref name="agents"/>
    /// (null: the agent graph is off, for <paramref name="agentGraphOffReason"/>).
    /// </summary>
    /// <param name="swarms">The server's swarms (the structure tracker's last read); each becomes a hub joined to its
    /// members, and so does every swarm an agent names. Null: none known.</param>
    /// <param name="tasks">The server's tasks; each open one becomes a hub joined to the agents it is assigned to.</param>
    public DualGraphSnapshot Build(
        KnowledgeSet? knowledge, AgentSnapshot? agents, string? agentGraphOffReason, IReadOnlyList<SwarmInfo>? swarms = null, IReadOnlyList<TaskSummary>? tasks = null)
    {
        var knowledgeIds = knowledge is null ? [] : KnowledgeIds(knowledge);
        var hubs = agents is null ? StructureHubs.Layout.None : _hubs.Place(agents, swarms, tasks);
        var agentCount = agents?.Agents.Count ?? 0;
        var count = knowledgeIds.Length + agentCount + hubs.Ids.Length;
        if (_ids.Length < count)
        {
            _ids = new uint[Math.Max(count, _ids.Length * 2)];
        }

        _count = count;
        var ids = _ids.AsSpan(0, count);
        knowledgeIds.CopyTo(ids);
        _edges.Clear();
        if (knowledge is not null)
        {
            foreach (var (from, to) in knowledge.Links)
            {
                _edges.Add((from, to, 1f));
            }
        }

        if (agents is not null)
        {
            var list = agents.Agents;
            for (var i = 0; i < list.Count; i++)
            {
                ids[knowledgeIds.Length + i] = list[i].NodeId;
            }

            AddAgentEdges(agents, _agentIndex, _edges, knowledgeIds.Length);
            var hubOffset = knowledgeIds.Length + agentCount;
            hubs.Ids.CopyTo(ids[hubOffset..]);
            foreach (var (hub, agent) in hubs.Edges)
            {
                _edges.Add((hubOffset + hub, knowledgeIds.Length + agent, 1f));
            }
        }

        var snapshot = new DualGraphSnapshot(Current.Version + 1, knowledge, knowledgeIds, agents, agentGraphOffReason, hubs);
        Volatile.Write(ref _current, snapshot);
        return snapshot;
    }

    /// <summary>
    /// Adds the agent graph's message-flow edges as pairs of agent indices (plus <paramref name="offset"/>): flows between
    /// known, distinct agents, weights clamped to what physics accepts. <paramref name="indexById"/> is filled here.
    /// </summary>
    internal static void AddAgentEdges(AgentSnapshot agents, Dictionary<string, int> indexById, List<(int A, int B, float Weight)> edges, int offset)
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

    /// <summary>Stable node ids of a knowledge set's notes, computed once per set.</summary>
    private uint[] KnowledgeIds(KnowledgeSet set)
    {
        if (ReferenceEquals(set, _idsFor))
        {
            return _idsOfSet;
        }

        var ids = new uint[set.Notes.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            var name = set.Notes[i].Name;
            if (!_knowledgeIds.TryGetValue(name, out var id))
            {
                id = NodeIds.Knowledge((int)_nextKnowledgeId++);
                _knowledgeIds[name] = id;
            }

            ids[i] = id;
        }

        (_idsFor, _idsOfSet) = (set, ids);
        return ids;
    }
}

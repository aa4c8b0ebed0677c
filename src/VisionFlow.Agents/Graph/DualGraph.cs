using System.Runtime.InteropServices;
using VisionFlow.Agents.Cache;
using VisionFlow.Agents.Knowledge;
using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Agents.Graph;

/// <summary>
/// The one graph model the product shows: the knowledge graph (markdown notes, ids with bit 31 clear) and the agent graph
/// (agents and their message flows, ids with bit 31 set, with a hub per swarm and per open task joined to their members
/// and assignees) side by side, kept up to date change by change: agents and edges come and go (<see cref="AddAgent"/>,
/// <see cref="RemoveAgent"/>, <see cref="SetEdge"/>), the hubs are placed again when membership or the server's swarms
/// and tasks changed (<see cref="SetStructure"/>), the knowledge set is swapped
/// (<see cref="SetKnowledge"/>), the agent graph is shown or not (<see cref="SetAgentGraph"/>). <see cref="Publish"/> then
/// says what that meant for the layout — a new topology (<see cref="Ids"/>, <see cref="Edges"/>) or only new weights
/// (<see cref="WeightChanges"/>) — and makes an immutable <see cref="DualGraphSnapshot"/> for <c>/api/graph</c>.
/// </summary>
/// <remarks>
/// One owner (the graph loop). An agent's attributes are not part of it: a status or CPU change costs the graph nothing.
/// A topology change lays out the node and edge arrays again (physics takes them whole); a weight change costs one entry.
/// Buffers are reused, so steady state allocates only the snapshot object. A note keeps its node id for as long as the
/// process runs (ids by case-insensitive name, starting at 1), across reloads of the folder, so the layout and the
/// browsers keep their place.
/// </remarks>
public sealed class DualGraph
{
    private readonly Dictionary<string, uint> _knowledgeIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(int A, int B, float Weight)> _edges = [];
    private readonly List<uint> _agents = [];
    private readonly Dictionary<uint, int> _agentIndex = [];
    private readonly List<(uint A, uint B, float Weight)> _agentEdges = [];
    private readonly Dictionary<ulong, int> _agentEdgeIndex = [];
    private readonly List<(uint A, uint B, float Weight)> _weightChanges = [];
    private readonly StructureHubs _hubPlacer = new();
    private StructureHubs.Layout _hubs = StructureHubs.Layout.None;
    private (uint Hub, uint Agent, bool Assignment)[] _hubEdges = [];
    private uint[] _ids = [];
    private int _count;
    private KnowledgeSet? _knowledge;
    private KnowledgeSet? _idsFor;
    private uint[] _idsOfSet = [];
    private uint _nextKnowledgeId = 1;
    private string? _agentGraphOffReason = "starting";
    private bool _topologyChanged = true;
    private bool _changed = true;
    private DualGraphSnapshot _current = DualGraphSnapshot.Empty;

    /// <summary>Node ids as last published: knowledge notes first, then agents (valid until the next <see cref="Publish"/>).</summary>
    public ReadOnlySpan<uint> Ids => _ids.AsSpan(0, _count);

    /// <summary>Edges as last published, as index pairs into <see cref="Ids"/>, with weights physics accepts.</summary>
    public ReadOnlySpan<(int A, int B, float Weight)> Edges => CollectionsMarshal.AsSpan(_edges);

    /// <summary>The last publication, immutable (safe to read from any thread).</summary>
    public DualGraphSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Nodes or edges came or went since the last <see cref="Publish"/>.</summary>
    public bool TopologyChanged => _topologyChanged;

    /// <summary>Anything changed since the last <see cref="Publish"/>.</summary>
    public bool HasChanges => _changed;

    /// <summary>
    /// New weights of edges already laid out, by node ids, since the last <see cref="Publish"/> (meaningful when the
    /// topology did not change: a new topology carries its weights).
    /// </summary>
    public ReadOnlySpan<(uint A, uint B, float Weight)> WeightChanges => CollectionsMarshal.AsSpan(_weightChanges);

    /// <summary>The node id of the agent with key <paramref name="agentKey"/> (the keys of <see cref="AgentChangeSet"/>).</summary>
    public static uint AgentNode(int agentKey) => NodeIds.Agent(agentKey);

    /// <summary>Agents in the model (shown or not).</summary>
    public int AgentCount => _agents.Count;

    /// <summary>Shows <paramref name="knowledge"/>'s notes and links (null: the knowledge graph is off).</summary>
    public void SetKnowledge(KnowledgeSet? knowledge)
    {
        if (ReferenceEquals(knowledge, _knowledge)) return;
        _knowledge = knowledge;
        MarkTopology();
    }

    /// <summary>Shows the agent graph (<paramref name="offReason"/> null) or hides it, saying why.</summary>
    public void SetAgentGraph(string? offReason)
    {
        if (string.Equals(offReason, _agentGraphOffReason, StringComparison.Ordinal)) return;
        var wasShown = _agentGraphOffReason is null;
        _agentGraphOffReason = offReason;
        if (wasShown != (offReason is null) && _agents.Count > 0) MarkTopology();
        else _changed = true;
    }

    /// <summary>An agent appeared (its node id has bit 31 set); known ids are ignored.</summary>
    public void AddAgent(uint nodeId)
    {
        if (!_agentIndex.TryAdd(nodeId, _agents.Count)) return;
        _agents.Add(nodeId);
        if (AgentsShown) MarkTopology();
    }

    /// <summary>An agent went, with the edges that touch it; unknown ids are ignored.</summary>
    public void RemoveAgent(uint nodeId)
    {
        if (!_agentIndex.Remove(nodeId, out var index)) return;
        var last = _agents.Count - 1;
        if (index != last)
        {
            var moved = _agents[last];
            _agents[index] = moved;
            _agentIndex[moved] = index;
        }

        _agents.RemoveAt(last);
        for (var e = _agentEdges.Count - 1; e >= 0; e--)
        {
            var (a, b, _) = _agentEdges[e];
            if (a == nodeId || b == nodeId) RemoveEdgeAt(e);
        }

        if (AgentsShown) MarkTopology();
    }

    /// <summary>
    /// The message-flow edge between two agents now weighs <paramref name="weight"/>, laid out as a power of two once it
    /// carries a conversation (see <see cref="LayoutWeight"/>); 0 removes it. An edge may name an agent not (yet) in the
    /// model: it is kept, and laid out once both ends are.
    /// </summary>
    public void SetEdge(uint a, uint b, float weight)
    {
        if (a == b) return;
        if (a > b) (a, b) = (b, a);
        var key = ((ulong)a << 32) | b;
        var exists = _agentEdgeIndex.TryGetValue(key, out var index);
        if (weight <= 0 || float.IsNaN(weight))
        {
            if (!exists) return;
            var wasLaidOut = _agentEdges[index].Weight > 0;
            RemoveEdgeAt(index);
            if (wasLaidOut && AgentsShown && IsLaidOut(a, b)) MarkTopology();
            return;
        }

        var before = exists ? _agentEdges[index].Weight : 0f;
        var layout = LayoutWeight(weight, before);
        if (!exists)
        {
            _agentEdgeIndex.Add(key, _agentEdges.Count);
            _agentEdges.Add((a, b, layout));
        }
        else if (before.Equals(layout))
        {
            return;
        }
        else
        {
            _agentEdges[index] = (a, b, layout);
        }

        if (!AgentsShown || !IsLaidOut(a, b)) return;
        if (before == 0f || layout == 0f)
        {
            if (before != layout) MarkTopology(); // the edge enters or leaves the layout
            return;
        }

        _weightChanges.Add((a, b, layout));
        _changed = true;
    }

    /// <summary>
    /// Places the hubs for <paramref name="agents"/> (membership by their swarm ids) and the server's
    /// <paramref name="swarms"/> and <paramref name="tasks"/> (null: none known): a swarm hub joined to its members, an
    /// open task's hub joined to its assignees. The layout changes only when a hub or a hub edge came or went.
    /// </summary>
    public void SetStructure(AgentSnapshot agents, IReadOnlyList<SwarmInfo>? swarms, IReadOnlyList<TaskSummary>? tasks)
    {
        ArgumentNullException.ThrowIfNull(agents);
        var layout = _hubPlacer.Place(agents, swarms, tasks);
        if (ReferenceEquals(layout, _hubs)) return;
        var swarmCount = layout.Swarms.Count;
        var edges = new (uint Hub, uint Agent, bool Assignment)[layout.Edges.Count];
        for (var i = 0; i < edges.Length; i++)
        {
            var (hub, agent) = layout.Edges[i];
            edges[i] = (layout.Ids[hub], agents.Agents[agent].NodeId, hub >= swarmCount);
        }

        var sameShape = layout.Ids.SequenceEqual(_hubs.Ids) && edges.AsSpan().SequenceEqual(_hubEdges);
        _hubs = layout;
        _hubEdges = edges;
        if (!sameShape && AgentsShown) MarkTopology();
        else _changed = true; // what a hub shows (a status, a name) is in the snapshot
    }

    /// <summary>Removes every agent and edge (the source went away).</summary>
    public void ClearAgents()
    {
        if (_agents.Count == 0 && _agentEdges.Count == 0 && _hubs.Ids.Length == 0) return;
        var shown = AgentsShown && (_agents.Count > 0 || _hubs.Ids.Length > 0);
        _hubs = StructureHubs.Layout.None;
        _hubEdges = [];
        _agents.Clear();
        _agentIndex.Clear();
        _agentEdges.Clear();
        _agentEdgeIndex.Clear();
        if (shown) MarkTopology();
    }

    /// <summary>
    /// Lays out what changed (<see cref="Ids"/> and <see cref="Edges"/> when the topology did) and publishes a new
    /// <see cref="Current"/> when anything did; clears the change marks. Read <see cref="WeightChanges"/> before.
    /// </summary>
    public DualGraphSnapshot Publish()
    {
        if (!_changed) return Current;
        var knowledgeIds = _knowledge is null ? [] : KnowledgeIds(_knowledge);
        if (_topologyChanged) Materialize(knowledgeIds);
        var shown = AgentsShown;
        var snapshot = new DualGraphSnapshot(
            Current.Version + 1, _knowledge, knowledgeIds, shown ? _agents.Count : 0, _agentGraphOffReason,
            shown ? _hubs : StructureHubs.Layout.None, shown ? _hubEdges : []);
        _topologyChanged = false;
        _changed = false;
        _weightChanges.Clear();
        Volatile.Write(ref _current, snapshot);
        return snapshot;
    }

    /// <summary>
    /// Builds the graph from scratch: <paramref name="knowledge"/> (null: off) and every agent and edge of
    /// <paramref name="agents"/> (null: the agent graph is off, for <paramref name="agentGraphOffReason"/>). The way to
    /// start from a snapshot; changes after that go through the methods above.
    /// </summary>
    /// <param name="swarms">The server's swarms (the structure tracker's last read); each becomes a hub joined to its
    /// members, and so does every swarm an agent names. Null: none known.</param>
    /// <param name="tasks">The server's tasks; each open one becomes a hub joined to the agents it is assigned to.</param>
    public DualGraphSnapshot Build(
        KnowledgeSet? knowledge, AgentSnapshot? agents, string? agentGraphOffReason, IReadOnlyList<SwarmInfo>? swarms = null, IReadOnlyList<TaskSummary>? tasks = null)
    {
        SetKnowledge(knowledge);
        ClearAgents();
        if (agents is not null)
        {
            foreach (var agent in agents.Agents) AddAgent(agent.NodeId);
            var byId = new Dictionary<string, uint>(agents.Agents.Count, StringComparer.Ordinal);
            foreach (var agent in agents.Agents) byId[agent.Id] = agent.NodeId;
            foreach (var edge in agents.Edges)
            {
                if (byId.TryGetValue(edge.SourceId, out var a) && byId.TryGetValue(edge.TargetId, out var b)) SetEdge(a, b, (float)edge.Weight);
            }

            SetStructure(agents, swarms, tasks);
        }

        SetAgentGraph(agents is null ? agentGraphOffReason ?? "off" : null);
        MarkTopology();
        return Publish();
    }

    /// <summary>Flow weight at which an edge enters the layout: two messages within about a half-life, a conversation.</summary>
    internal const float EnterWeight = 2f;

    /// <summary>
    /// Flow weight below which an edge in the layout leaves it again: three octaves under <see cref="EnterWeight"/>, about
    /// 15 s of silence at the default half-life, so a pair that talks now and then is not taken out and put back.
    /// </summary>
    internal const float LeaveWeight = 0.25f;

    /// <summary>
    /// The spring weight physics gets for a message-flow weight, given the one it has (<paramref name="current"/>, 0: the
    /// edge is not laid out): 0 until the weight reaches <see cref="EnterWeight"/>, then the nearest power of two in
    /// [1, 2⁶], kept while the weight stays within a factor of two of it, until it falls below <see cref="LeaveWeight"/>.
    /// </summary>
    /// <remarks>
    /// A flow weight is a decayed message count: it falls a little every batch and jumps with each message, and every
    /// such move handed to physics woke a settled layout, so a chatting swarm never came to rest (issue 23: 62 steps a
    /// second at 10 agents). The layout needs the order of magnitude — who talks a lot with whom — not the count: with
    /// levels an octave apart and a hysteresis of an octave either way, the noise of a steady conversation moves nothing,
    /// and a conversation that starts, stops or changes pace moves the layout. A lone message is no conversation: in a
    /// large swarm nearly every message goes to a new pair, so laying out each one re-made the topology ten times a
    /// second and kept 10,000 nodes stepping. Edges below the threshold are still in the snapshot and in /api/graph.
    /// </remarks>
    internal static float LayoutWeight(float weight, float current)
    {
        if (current == 0f)
        {
            if (!(weight >= EnterWeight)) return 0f;
        }
        else if (weight < LeaveWeight)
        {
            return 0f;
        }
        else if (weight < current * 2f && weight > current * 0.5f)
        {
            return current;
        }

        return MathF.Pow(2f, Math.Clamp(MathF.Round(MathF.Log2(weight)), 0f, 6f));
    }

    private bool AgentsShown => _agentGraphOffReason is null;

    private bool IsLaidOut(uint a, uint b) => _agentIndex.ContainsKey(a) && _agentIndex.ContainsKey(b);

    private void MarkTopology()
    {
        _topologyChanged = true;
        _changed = true;
    }

    private void RemoveEdgeAt(int index)
    {
        var (a, b, _) = _agentEdges[index];
        _agentEdgeIndex.Remove(((ulong)a << 32) | b);
        var last = _agentEdges.Count - 1;
        if (index != last)
        {
            var moved = _agentEdges[last];
            _agentEdges[index] = moved;
            _agentEdgeIndex[((ulong)moved.A << 32) | moved.B] = index;
        }

        _agentEdges.RemoveAt(last);
    }

    private void Materialize(uint[] knowledgeIds)
    {
        var shown = AgentsShown;
        var count = knowledgeIds.Length + (shown ? _agents.Count + _hubs.Ids.Length : 0);
        if (_ids.Length < count) _ids = new uint[Math.Max(count, _ids.Length * 2)];
        _count = count;
        var ids = _ids.AsSpan(0, count);
        knowledgeIds.CopyTo(ids);
        _edges.Clear();
        if (_knowledge is not null)
        {
            foreach (var (from, to) in _knowledge.Links) _edges.Add((from, to, 1f));
        }

        if (!shown) return;
        var offset = knowledgeIds.Length;
        CollectionsMarshal.AsSpan(_agents).CopyTo(ids[offset..]);
        foreach (var (a, b, weight) in _agentEdges)
        {
            if (weight > 0 && _agentIndex.TryGetValue(a, out var ia) && _agentIndex.TryGetValue(b, out var ib)) _edges.Add((offset + ia, offset + ib, weight));
        }

        // Hubs after the agents, each edge to an agent laid out (a hub edge names agents of the snapshot it was placed from).
        var hubOffset = offset + _agents.Count;
        _hubs.Ids.CopyTo(ids[hubOffset..]);
        var placed = _hubs.Edges;
        for (var i = 0; i < _hubEdges.Length; i++)
        {
            if (_agentIndex.TryGetValue(_hubEdges[i].Agent, out var ia)) _edges.Add((hubOffset + placed[i].Hub, offset + ia, 1f));
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

using System.Buffers;
using System.Globalization;
using System.Text.Json;
using VisionFlow.Agents.Cache;
using VisionFlow.Agents.Graph;
using VisionFlow.Agents.Knowledge;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Server.Mcp;
using VisionFlow.Server.Streaming;

namespace VisionFlow.Server.Graph;

/// <summary>
/// The graph on <c>/ws</c>: the <c>nodes</c>, <c>edges</c> and <c>graph</c> topics, so a viewer holds what
/// <c>GET /api/graph</c> lists — complete on connect, then only the nodes and edges that came, went or changed — instead
/// of reading the whole graph again each time its topology changes.
/// </summary>
/// <remarks>
/// <para>
/// Each part comes from where it changes, in proportion to the change: agents and their message flows from the intake's
/// change sets (on its thread, inside the batch: an agent that came, went or changed its type, an edge that came, went
/// or changed its weight class), notes, note links, hubs and hub edges from the graph's publications (only when the
/// knowledge set or the hub layout is a new one), and whether the agent graph is shown from the same publications. An
/// agent's status or CPU costs nothing here: its node carries its id, label and type, and the <c>agents</c> topic its
/// fields (by its <c>node_id</c>).
/// </para>
/// <para>
/// A message-flow edge carries its weight class — the flow weight to the nearest power of two in [1/2, 64] (1/2: below
/// one message's worth, fading), kept while the weight stays within a factor of two of it — not the weight itself, which
/// decays every batch: a lone message's edge costs a message when it comes, one when it fades under 1/2, and one when
/// it goes; a conversation one per octave its pace moves. The node and edge ids the topics use
/// are the ids of the 28-byte position records, so a position frame needs no index of its own.
/// </para>
/// </remarks>
internal sealed class GraphTopics
{
    /// <summary>The key of the <c>graph</c> topic's one item.</summary>
    private const string InfoKey = "graph";

    private readonly Lock _gate = new();
    private readonly McpServices _mcp;
    private readonly KeyedTopic _nodes;
    private readonly KeyedTopic _edges;
    private readonly KeyedTopic _info;
    private readonly TopicItemWriter _item = new(256); // no closure: an edge's class change is a steady-state path of a busy swarm

    // Every present agent, shown or not (the agent graph may be off): node id -> its node item's parts.
    private readonly Dictionary<uint, AgentNode> _agents = [];

    // Every message-flow edge the intake reported, by (smaller, larger) node id; those with an end not (yet) an agent
    // here wait in _orphans and are shown once both ends are.
    private readonly Dictionary<ulong, Flow> _flows = [];
    private readonly HashSet<ulong> _orphans = [];

    // What the graph's publications put in the topics: notes with their links, and hubs with their edges.
    private readonly Published _notes = new();
    private readonly Published _hubs = new();
    private Dictionary<ulong, string> _hubEdgeKeys = [];
    private Dictionary<ulong, string> _lastHubEdges = [];
    private bool _shown;
    private long _version = -1; // the publication the topics show
    private KnowledgeSet? _knowledge;
    private IReadOnlyList<SwarmInfo>? _swarmHubs;
    private IReadOnlyList<TaskSummary>? _taskHubs;
    private IReadOnlyList<(uint Hub, uint Agent, bool Assignment)>? _hubEdges;

    public GraphTopics(McpServices mcp, GraphService graph, StreamTopics topics)
    {
        ArgumentNullException.ThrowIfNull(mcp);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(topics);
        _mcp = mcp;
        _nodes = topics.Register("nodes", "nodes");
        _edges = topics.Register("edges", "edges");
        _info = topics.Register("graph", "graph");
        mcp.Intake.ChangesApplied += OnAgentsChanged;
        graph.Published += OnPublished;
        OnPublished(graph.Source);
    }

    /// <summary>The message-flow weight a client is sent for <paramref name="weight"/>, given the one it has (0: none yet).</summary>
    internal static float WeightClass(double weight, float current)
    {
        if (current > 0f && weight > current * 0.5 && weight < current * 2.0) return current;
        // Below 1 is one class, "fading": a lone message's edge would otherwise cost a message per half-life on its way
        // out (four of them before the floor), which at 2,000 agents was most of the graph's bytes on /ws.
        var clamped = Math.Clamp(weight, 0.5, 64.0);
        return MathF.Pow(2f, MathF.Round(MathF.Log2((float)clamped)));
    }

    /// <summary>The topic key of an edge: its ends' node ids, source first.</summary>
    internal static string EdgeKey(uint source, uint target) =>
        string.Create(CultureInfo.InvariantCulture, $"{source}-{target}");

    private static string NodeKey(uint id) => id.ToString(CultureInfo.InvariantCulture);

    private static ulong Pair(uint a, uint b) => ((ulong)a << 32) | b;

    // The intake's thread, inside its batch: removals first (a key this batch released is taken again only by a later
    // batch's agent), then new agents, types, and the edges last, so an edge to an agent of this batch finds it.
    private void OnAgentsChanged(AgentChangeSet changes)
    {
        if (!changes.TopologyChanged && changes.EdgeChanges.IsEmpty && !TypeChanged(changes))
        {
            return;
        }

        var intake = _mcp.Intake;
        lock (_gate)
        {
            foreach (var key in changes.Removed)
            {
                var node = DualGraph.AgentNode(key);
                if (_agents.Remove(node, out var gone) && _shown) _nodes.Remove(gone.Key);
            }

            foreach (var key in changes.Added)
            {
                var agent = intake.DescribeAgent(key);
                var node = new AgentNode(NodeKey(agent.NodeId), agent.Id, agent.Type);
                _agents[agent.NodeId] = node;
                if (_shown) UpsertAgent(agent.NodeId, node);
            }

            var updated = changes.Updated;
            var fields = changes.UpdatedFields;
            for (var i = 0; i < updated.Length; i++)
            {
                if ((fields[i] & AgentFields.Type) == 0) continue;
                var agent = intake.DescribeAgent(updated[i]);
                if (!_agents.TryGetValue(agent.NodeId, out var node)) continue;
                node = node with { Type = agent.Type };
                _agents[agent.NodeId] = node;
                if (_shown) UpsertAgent(agent.NodeId, node);
            }

            if (changes.Added.Length > 0 && _orphans.Count > 0) AdoptOrphans();
            foreach (var (keyA, keyB, weight) in changes.EdgeChanges)
            {
                SetFlow(DualGraph.AgentNode(keyA), DualGraph.AgentNode(keyB), weight);
            }

            _nodes.Publish();
            _edges.Publish();
        }
    }

    private static bool TypeChanged(AgentChangeSet changes)
    {
        foreach (var fields in changes.UpdatedFields)
        {
            if ((fields & AgentFields.Type) != 0) return true;
        }

        return false;
    }

    private void SetFlow(uint a, uint b, float weight)
    {
        if (a == b) return;
        if (a > b) (a, b) = (b, a);
        var pair = Pair(a, b);
        var exists = _flows.TryGetValue(pair, out var flow);
        if (!(weight > 0f))
        {
            if (!exists) return;
            _flows.Remove(pair);
            if (!_orphans.Remove(pair) && _shown) _edges.Remove(flow.Key);
            return;
        }

        var weightClass = WeightClass(weight, exists ? flow.Class : 0f);
        if (exists && weightClass.Equals(flow.Class)) return;
        flow = new Flow(exists ? flow.Key : EdgeKey(a, b), weightClass);
        _flows[pair] = flow;
        if (!_agents.ContainsKey(a) || !_agents.ContainsKey(b))
        {
            // As /api/graph: an edge is listed between two agents it lists.
            _orphans.Add(pair);
            return;
        }

        _orphans.Remove(pair);
        if (_shown) UpsertFlow(a, b, flow);
    }

    private void AdoptOrphans()
    {
        List<ulong>? adopted = null;
        foreach (var pair in _orphans)
        {
            if (_agents.ContainsKey((uint)(pair >> 32)) && _agents.ContainsKey((uint)pair)) (adopted ??= []).Add(pair);
        }

        if (adopted is null) return;
        foreach (var pair in adopted)
        {
            _orphans.Remove(pair);
            if (_shown) UpsertFlow((uint)(pair >> 32), (uint)pair, _flows[pair]);
        }
    }

    // The graph loop, after each publication: a new knowledge set, hub layout or visibility of the agent graph is put
    // into the topics; a publication of weights alone (the common one) compares three references and the flags.
    private void OnPublished(DualGraphSnapshot build)
    {
        lock (_gate)
        {
            // Never backwards: the constructor shows the graph's last publication while its loop may publish a newer one.
            if (build.Version < _version) return;
            _version = build.Version;
            if (build.AgentGraphShown != _shown)
            {
                _shown = build.AgentGraphShown;
                ShowAgents(_shown);
            }

            if (!ReferenceEquals(build.Knowledge, _knowledge))
            {
                _knowledge = build.Knowledge;
                ShowNotes(build);
            }

            var hubEdges = build.HubEdges();
            if (!ReferenceEquals(build.SwarmHubs, _swarmHubs) || !ReferenceEquals(build.TaskHubs, _taskHubs) || !ReferenceEquals(hubEdges, _hubEdges))
            {
                (_swarmHubs, _taskHubs, _hubEdges) = (build.SwarmHubs, build.TaskHubs, hubEdges);
                ShowHubs(build);
            }

            var w = _item.Begin();
            w.WriteString("id"u8, InfoKey);
            w.WriteBoolean("knowledge_graph_enabled"u8, build.KnowledgeGraphEnabled);
            w.WriteBoolean("agent_graph_available"u8, build.AgentGraphShown);
            w.WriteString("agent_graph_unavailable_reason"u8, build.AgentGraphOffReason);
            _info.Upsert(InfoKey, _item.End());
            _nodes.Publish();
            _edges.Publish();
            _info.Publish();
        }
    }

    private void ShowAgents(bool shown)
    {
        foreach (var (id, agent) in _agents)
        {
            if (shown) UpsertAgent(id, agent);
            else _nodes.Remove(agent.Key);
        }

        foreach (var (pair, flow) in _flows)
        {
            if (_orphans.Contains(pair)) continue;
            if (shown) UpsertFlow((uint)(pair >> 32), (uint)pair, flow);
            else _edges.Remove(flow.Key);
        }
    }

    private void ShowNotes(DualGraphSnapshot build)
    {
        _notes.Begin();
        if (build.Knowledge is { } knowledge)
        {
            var ids = build.KnowledgeIds;
            for (var i = 0; i < ids.Length; i++)
            {
                UpsertNode(_notes, ids[i], "knowledge", knowledge.Notes[i].Name, null, null);
            }

            foreach (var (from, to) in knowledge.Links)
            {
                UpsertEdge(_notes, ids[from], ids[to], 1f, "link");
            }
        }

        _notes.End(_nodes, _edges);
    }

    private void ShowHubs(DualGraphSnapshot build)
    {
        _hubs.Begin();
        var hubIds = build.HubIds;
        var swarms = build.SwarmHubs;
        for (var i = 0; i < swarms.Count; i++)
        {
            UpsertNode(_hubs, hubIds[i], "swarm", swarms[i].Id, swarms[i].Status, swarms[i].Topology);
        }

        var tasks = build.TaskHubs;
        for (var i = 0; i < tasks.Count; i++)
        {
            UpsertNode(_hubs, hubIds[swarms.Count + i], "task", tasks[i].Id, tasks[i].Status, tasks[i].Type);
        }

        _hubs.End(_nodes, _edges);

        // Hub edges never change a field (weight 1, kind by direction): only those new to the layout are written, so a
        // task opening beside a 10,000-member swarm costs one look-up per membership, not 10,000 items compared.
        (_lastHubEdges, _hubEdgeKeys) = (_hubEdgeKeys, _lastHubEdges);
        _hubEdgeKeys.Clear();
        foreach (var (hub, agent, assignment) in build.HubEdges())
        {
            var (source, target) = assignment ? (hub, agent) : (agent, hub);
            var pair = Pair(source, target);
            if (_lastHubEdges.Remove(pair, out var key))
            {
                _hubEdgeKeys[pair] = key;
                continue;
            }

            if (_hubEdgeKeys.ContainsKey(pair)) continue;
            key = EdgeKey(source, target);
            WriteEdge(key, source, target, 1f, assignment ? "assignment" : "membership");
            _hubEdgeKeys[pair] = key;
        }

        foreach (var (_, gone) in _lastHubEdges) _edges.Remove(gone);
        _lastHubEdges.Clear();
    }

    private void UpsertAgent(uint id, AgentNode agent)
    {
        var w = _item.Begin();
        w.WriteNumber("id"u8, id);
        w.WriteString("kind"u8, "agent"u8);
        w.WriteString("label"u8, agent.Label);
        w.WriteString("type"u8, agent.Type);
        _nodes.Upsert(agent.Key, _item.End());
    }

    private void UpsertFlow(uint a, uint b, Flow flow) => WriteEdge(flow.Key, a, b, flow.Class, "message_flow");

    // A note or a hub, in the shape of GET /api/graph's nodes.
    private void UpsertNode(Published into, uint id, string kind, string label, string? status, string? type)
    {
        var key = NodeKey(id);
        var w = _item.Begin();
        w.WriteNumber("id"u8, id);
        w.WriteString("kind"u8, kind);
        w.WriteString("label"u8, label);
        w.WriteString("status"u8, status);
        w.WriteString("type"u8, type);
        w.WriteBoolean("stale"u8, false);
        _nodes.Upsert(key, _item.End());
        into.Nodes.Add(key);
    }

    private void UpsertEdge(Published into, uint source, uint target, float weight, string kind)
    {
        var key = EdgeKey(source, target);
        WriteEdge(key, source, target, weight, kind);
        into.Edges.Add(key);
    }

    private void WriteEdge(string key, uint source, uint target, float weight, string kind)
    {
        var w = _item.Begin();
        w.WriteString("id"u8, key);
        w.WriteNumber("source"u8, source);
        w.WriteNumber("target"u8, target);
        w.WriteNumber("weight"u8, weight);
        w.WriteString("kind"u8, kind);
        _edges.Upsert(key, _item.End());
    }

    /// <summary>An agent's node item: its topic key, its label (the agent id) and its type.</summary>
    private readonly record struct AgentNode(string Key, string Label, string? Type);

    /// <summary>A message-flow edge: its topic key and the weight class clients were sent.</summary>
    private readonly record struct Flow(string Key, float Class);

    /// <summary>
    /// The topic keys one source of the publications (notes, hubs) put in the topics: upserting a new set and then
    /// <see cref="End"/> removes what the last set had and this one has not.
    /// </summary>
    private sealed class Published
    {
        private HashSet<string> _lastNodes = new(StringComparer.Ordinal);
        private HashSet<string> _lastEdges = new(StringComparer.Ordinal);

        public HashSet<string> Nodes { get; private set; } = new(StringComparer.Ordinal);

        public HashSet<string> Edges { get; private set; } = new(StringComparer.Ordinal);

        public void Begin()
        {
            (_lastNodes, Nodes) = (Nodes, _lastNodes);
            (_lastEdges, Edges) = (Edges, _lastEdges);
            Nodes.Clear();
            Edges.Clear();
        }

        public void End(KeyedTopic nodes, KeyedTopic edges)
        {
            foreach (var key in _lastNodes)
            {
                if (!Nodes.Contains(key)) nodes.Remove(key);
            }

            foreach (var key in _lastEdges)
            {
                if (!Edges.Contains(key)) edges.Remove(key);
            }
        }
    }
}

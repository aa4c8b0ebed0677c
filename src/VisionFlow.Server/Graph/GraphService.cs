using Microsoft.Extensions.Logging;
using VisionFlow.Agents;
using VisionFlow.Agents.Cache;
using VisionFlow.Agents.Graph;
using VisionFlow.Agents.Knowledge;
using VisionFlow.Connections.Degradation;
using VisionFlow.Physics.Loop;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Mcp;
using VisionFlow.Server.Streaming;
using PhysicsMode = VisionFlow.Physics.Loop.PerformanceMode;

namespace VisionFlow.Server.Graph;

/// <summary>
/// Runs the dual graph as the product shows it: the knowledge graph (markdown notes) and the agent graph (telemetry),
/// gated by the degradation level, changed the moment either changes, handed to the physics loop, and the loop's
/// positions published to the WebSocket hub. One loop owns the <see cref="DualGraph"/>; readers get its immutable
/// snapshots.
/// </summary>
/// <remarks>
/// Change sets flow one way: the intake hands each batch's layout part (agents added and removed, edges new,
/// re-weighted or gone) to <see cref="OnAgentsChanged"/>, which copies it (in proportion to the change) and wakes the
/// loop; the loop applies it to the graph and hands physics only what that meant for the layout — a topology, or the
/// weights that moved. An agent's status or CPU changing wakes nothing here, and a settled layout stays at rest through
/// it. The graph never asks the intake for a snapshot; <c>/api/graph</c> reads one when it is asked for. With real-time updates off (EmergencyMode) there is no continuous
/// stream, but each new layout and each settled one is still published, so every client gets a complete frame on connect
/// and whenever the layout changes: the knowledge graph is shown at every level that enables it, whether MCP is there or
/// not.
/// </remarks>
internal sealed class GraphService : IAsyncDisposable
{
    private readonly ServerOptions _options;
    private readonly McpServices _mcp;
    private readonly NodeSnapshotHub _hub;
    private readonly StreamNotices _notices;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly WakeSignal _wake = new();
    private readonly DualGraph _graph = new();
    private readonly PhysicsFeed _physicsFeed;
    private int _disposed;
    private KnowledgeWatcher? _watcher;
    private KnowledgeSet _knowledge;
    private long _knowledgeVersion = 1;
    private long _streamedTopology = -1;
    private bool _streamedSettled;
    private Task _loop = Task.CompletedTask;
    private GraphView? _rendered;
    private AgentSnapshot? _renderedAgents;
    private readonly Lock _pendingGate = new();
    private List<AgentGraphOp> _pending = [];
    private List<AgentGraphOp> _applying = [];
    private volatile bool _agentsAvailable;
    private int _structureDirty = 1; // hubs to place again at the next wake (membership or the structure changed)

    public GraphService(ServerOptions options, McpServices mcp, NodeSnapshotHub hub, StreamNotices notices, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options;
        _mcp = mcp;
        _hub = hub;
        _notices = notices;
        _time = time;
        _logger = loggers.CreateLogger("VisionFlow.Graph");
        _knowledge = KnowledgeLoader.Load(options.KnowledgeFolder);
        Physics = new PhysicsLoop(
            new PhysicsLoopOptions
            {
                Backend = options.PhysicsBackend switch { "vulkan" => BackendPreference.Vulkan, "cpu" => BackendPreference.Cpu, _ => BackendPreference.Auto },
                StreamHz = 60,
                // Up to 60 frames a second while nodes move visibly; a creeping layout sends what a viewer could see.
                MinPublishedMotion = 0.25f,
                // A creeping layout (every node under 1 unit/s of layout time) steps six at a time ten times a second; a
                // big one on the CPU path steps no more often than keeps it within a tenth of a core (issue 23).
                CalmSpeed = 1f,
                CalmStride = 6,
                MaxStepShare = 0.1,
                // ...and while that share holds the steps back, up to three standard steps at once, that many times less
                // often: the layout moves as far a second for a half or a third of the CPU (10,000 agents on the CPU path;
                // a real GPU or a small layout never needs it).
                MaxCoarseness = 3,
                // A small layout (ten agents and the notes) steps in twos at 30 Hz: its steps cost microseconds, its ticks'
                // wake-ups are the cost, and a frame already needed two steps' motion.
                SmallLayoutNodes = 256,
                // Settled = no visible motion (1 % of the radius a second, PhysicsLoopOptions.SettleMotion), or the change's
                // steps spent: 30 (half a second at the standard rate) for a conversation that starts, stops or changes pace
                // between known agents, a minute's for new nodes, so a layout rests within seconds of its last change. Ten
                // simulated agents start or change a conversation about once a second: with 90 steps the layout never
                // rested between them (issue 23).
                LocalBurstSteps = 30,
                // ...and such changes at most one burst a second: taken and shown at once, stepped together.
                MinRest = TimeSpan.FromSeconds(1),
                // A full change is granted ~120 steps per √(nodes it reaches), between 600 (10 s at 60 Hz; a fresh layout
                // 1,800) and 3,600 (a minute): the measured steps to form (~80·√n, the 13 notes ~1,300) with a margin. Ten
                // agents spent the minute only because the simulator's conversations kept them moving, at 62 steps a
                // second; those are what the local bursts are for.
                FullLayoutSteps = 3600,
                FullLayoutStepsPerRootNode = 120,
            },
            time,
            loggers.CreateLogger<PhysicsLoop>());
        _physicsFeed = new PhysicsFeed(Physics);
        Physics.PositionsPublished += OnPositions;
        mcp.Link.Degradation.Changed += OnDegradation;
        mcp.Link.StatusChanged += OnLinkStatus;
        mcp.Intake.ChangesApplied += OnAgentsChanged;
        mcp.Structure.Changed += OnStructureChanged;
    }

    public PhysicsLoop Physics { get; }

    /// <summary>
    /// The graph as last handed to physics, for <c>/api/graph</c>, with the agents' labels and flags from a fresh agent
    /// snapshot (rendered once per publication and snapshot, on request).
    /// </summary>
    public async ValueTask<GraphView> RenderAsync(CancellationToken cancellationToken)
    {
        var build = _graph.Current;
        var agents = build.AgentGraphShown ? await _mcp.Intake.Cache.GetSnapshotAsync(cancellationToken).ConfigureAwait(false) : null;
        lock (_pendingGate)
        {
            if (_rendered is { } rendered && rendered.Version == build.Version && ReferenceEquals(_renderedAgents, agents))
            {
                return rendered;
            }
        }

        var view = GraphView.Of(build, agents);
        lock (_pendingGate)
        {
            (_rendered, _renderedAgents) = (view, agents);
        }

        return view;
    }

    /// <summary>Raised on the graph loop after each publication (a topology, weights, or what a hub shows): the /ws graph topics follow it.</summary>
    public event Action<DualGraphSnapshot>? Published;

    /// <summary>The last build, without rendering its view (cheap counts for probes).</summary>
    public DualGraphSnapshot Source => _graph.Current;

    /// <summary>Where the knowledge notes come from.</summary>
    public string KnowledgeSource => _options.KnowledgeFolder ?? "embedded sample notes";

    /// <summary>Reload failures of the watched knowledge folder.</summary>
    public long KnowledgeReloadFailures => _watcher?.Failures ?? 0;

    public void Start()
    {
        // Started from a background task after the listener is up: a shutdown may already have begun.
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        if (_options.KnowledgeFolder is { } folder)
        {
            _watcher = new KnowledgeWatcher(folder, _time, TimeSpan.FromMilliseconds(250));
            _watcher.Reloaded += set =>
            {
                Volatile.Write(ref _knowledge, set);
                Interlocked.Increment(ref _knowledgeVersion);
                _wake.Set();
            };
            _watcher.Start();
        }

        Physics.Start();
        _notices.PublishDegradation(_mcp.Link.Degradation.Current.LevelName, _mcp.Link.Degradation.Current.Message);
        _wake.Set(); // the first build: the knowledge graph needs no MCP
        _loop = Task.Run(LoopAsync);
    }

    public async ValueTask DisposeAsync()
    {
        // The host stops it explicitly (ordered shutdown) and the container disposes it again: only the first counts.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _watcher?.Dispose();
        Physics.PositionsPublished -= OnPositions;
        _mcp.Link.Degradation.Changed -= OnDegradation;
        _mcp.Link.StatusChanged -= OnLinkStatus;
        _mcp.Intake.ChangesApplied -= OnAgentsChanged;
        _mcp.Structure.Changed -= OnStructureChanged;
        Physics.Dispose();
        _stopping.Dispose();
    }

    private async Task LoopAsync()
    {
        long builtKnowledge = -1;
        var builtLevel = (DegradationLevel)(-1);
        var stop = _stopping.Token;
        while (true)
        {
            await _wake.WaitAsync(stop).ConfigureAwait(false);
            try
            {
                lock (_pendingGate)
                {
                    (_pending, _applying) = (_applying, _pending);
                }

                foreach (var op in _applying)
                {
                    switch (op.Kind)
                    {
                        case AgentGraphOpKind.Add: _graph.AddAgent(op.A); break;
                        case AgentGraphOpKind.Remove: _graph.RemoveAgent(op.A); break;
                        default: _graph.SetEdge(op.A, op.B, op.Weight); break;
                    }
                }

                _applying.Clear();
                var response = _mcp.Link.Degradation.Current;
                var knowledgeVersion = Interlocked.Read(ref _knowledgeVersion);
                if (knowledgeVersion != builtKnowledge || response.Level != builtLevel)
                {
                    _graph.SetKnowledge(response.KnowledgeGraphEnabled ? Volatile.Read(ref _knowledge) : null);
                    builtKnowledge = knowledgeVersion;
                    builtLevel = response.Level;
                }

                _graph.SetAgentGraph(
                    !response.AgentGraphEnabled ? $"{response.LevelName}: {response.Message}"
                    : _agentsAvailable ? null
                    : _mcp.Link.Status.Detail ?? "no MCP session");
                if (Interlocked.Exchange(ref _structureDirty, 0) != 0 && _agentsAvailable)
                {
                    // Membership or the server's swarms and tasks changed: the hubs are placed again from one agent
                    // snapshot (rare: spawns, terminations, swarm moves, structure reads), never for a status or CPU change.
                    var agents = await _mcp.Intake.Cache.GetSnapshotAsync(stop).ConfigureAwait(false);
                    var structure = _mcp.Structure.Snapshot;
                    _graph.SetStructure(agents, structure.Swarms, structure.Tasks);
                }

                Hand();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One bad change must not stop the layout; the next wake tries again.
                GraphLog.RebuildFailed(_logger, ex);
            }
        }
    }

    /// <summary>Publishes what the graph's changes meant and hands physics only that: a topology, or moved weights.</summary>
    private void Hand()
    {
        if (!_graph.HasChanges)
        {
            return;
        }

        if (_graph.TopologyChanged)
        {
            _graph.Publish();
            _physicsFeed.Hand(_graph.Ids, _graph.Edges);
        }
        else
        {
            _physicsFeed.HandWeights(_graph.WeightChanges);
            _graph.Publish();
        }

        Published?.Invoke(_graph.Current);
    }

    /// <summary>
    /// On the intake's thread, inside its batch: copies the layout's part of the change (agents added and removed, edge
    /// weights) and wakes the loop. Attribute-only changes stop here.
    /// </summary>
    private void OnAgentsChanged(AgentChangeSet changes)
    {
        var available = _mcp.Intake.Cache.IsAvailable;
        var availabilityChanged = available != _agentsAvailable;
        _agentsAvailable = available;
        var membershipChanged = changes.TopologyChanged || availabilityChanged;
        foreach (var fields in changes.UpdatedFields) membershipChanged |= (fields & AgentFields.Swarm) != 0;
        if (membershipChanged)
        {
            Volatile.Write(ref _structureDirty, 1);
        }

        if (!changes.TopologyChanged && changes.EdgeChanges.IsEmpty && !availabilityChanged && !membershipChanged)
        {
            return;
        }

        lock (_pendingGate)
        {
            // Removals first: a key this batch released is taken again only by a later batch's agent.
            foreach (var key in changes.Removed) _pending.Add(new AgentGraphOp(AgentGraphOpKind.Remove, DualGraph.AgentNode(key), 0, 0));
            foreach (var key in changes.Added) _pending.Add(new AgentGraphOp(AgentGraphOpKind.Add, DualGraph.AgentNode(key), 0, 0));
            foreach (var (a, b, weight) in changes.EdgeChanges) _pending.Add(new AgentGraphOp(AgentGraphOpKind.Edge, DualGraph.AgentNode(a), DualGraph.AgentNode(b), weight));
        }

        _wake.Set();
    }

    private void OnStructureChanged(Structure.StructureChanges changes)
    {
        Volatile.Write(ref _structureDirty, 1);
        _wake.Set();
    }

    private void OnLinkStatus(Connections.Link.McpLinkStatus status) => _wake.Set();

    private void OnPositions(PositionSnapshot positions)
    {
        // With real-time updates off the stream is not continuous, but a new layout and a settled one are still shown:
        // each client gets a complete frame on connect (the hub keeps the last) and whenever the layout changes.
        if (!_mcp.Link.Degradation.Current.RealTimeUpdates)
        {
            var newTopology = positions.TopologyVersion != _streamedTopology;
            if (!newTopology && (!positions.Settled || _streamedSettled))
            {
                return;
            }

            _streamedSettled = positions.Settled;
        }
        else
        {
            _streamedSettled = false;
        }

        _streamedTopology = positions.TopologyVersion;
        _hub.Publish(new NodeSnapshot(positions.Ids, positions.State, positions.TopologyVersion, positions.Sequence) { Source = positions });
    }

    private void OnDegradation(DegradationChange change)
    {
        Physics.SetPerformanceMode(change.Response.PerformanceMode switch
        {
            Connections.Degradation.PerformanceMode.Standard => PhysicsMode.Standard,
            Connections.Degradation.PerformanceMode.Reduced => PhysicsMode.Reduced,
            _ => PhysicsMode.Minimal,
        });
        _notices.PublishDegradation(change.Response.LevelName, change.Response.Message);
        _wake.Set();
    }

    private enum AgentGraphOpKind : byte
    {
        Add,
        Remove,
        Edge,
    }

    /// <summary>One change to the agent graph, in the order the intake made it.</summary>
    private readonly record struct AgentGraphOp(AgentGraphOpKind Kind, uint A, uint B, float Weight);
}

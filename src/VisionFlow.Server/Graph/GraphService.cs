using Microsoft.Extensions.Logging;
using VisionFlow.Agents.Cache;
using VisionFlow.Agents.Knowledge;
using VisionFlow.Connections.Degradation;
using VisionFlow.Physics.Loop;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Mcp;
using VisionFlow.Server.Streaming;
using PhysicsMode = VisionFlow.Physics.Loop.PerformanceMode;

namespace VisionFlow.Server.Graph;

/// <summary>
/// Owns the dual graph as the product shows it: the knowledge graph (markdown notes) and the agent graph (telemetry),
/// gated by the degradation level, handed to the physics loop whenever its topology changes, and the loop's positions
/// published to the WebSocket hub. One loop owns all of it; readers get the immutable <see cref="Current"/> view.
/// </summary>
internal sealed class GraphService : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    private readonly ServerOptions _options;
    private readonly McpGateway _gateway;
    private readonly NodeSnapshotHub _hub;
    private readonly StreamNotices _notices;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;
    private readonly Dictionary<string, uint> _knowledgeIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(int A, int B, float Weight)> _edgeScratch = [];
    private readonly Dictionary<string, int> _indexScratch = new(StringComparer.Ordinal);
    private KnowledgeWatcher? _watcher;
    private KnowledgeSet _knowledge;
    private long _knowledgeVersion = 1;
    private uint _nextKnowledgeId = 1;
    private Task _loop = Task.CompletedTask;
    private GraphView _current = GraphView.Empty;

    public GraphService(ServerOptions options, McpGateway gateway, NodeSnapshotHub hub, StreamNotices notices, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options;
        _gateway = gateway;
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
            },
            time,
            loggers.CreateLogger<PhysicsLoop>());
        Physics.PositionsPublished += OnPositions;
        gateway.Degradation.Changed += OnDegradation;
    }

    public PhysicsLoop Physics { get; }

    /// <summary>The graph as last handed to physics (nodes with flags and labels, edges), for <c>/api/graph</c>.</summary>
    public GraphView Current => Volatile.Read(ref _current);

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
            _watcher = new KnowledgeWatcher(folder, new KnowledgeGraph(), _time, TimeSpan.FromMilliseconds(250));
            _watcher.Reloaded += set =>
            {
                Volatile.Write(ref _knowledge, set);
                Interlocked.Increment(ref _knowledgeVersion);
            };
            _watcher.Start();
        }

        Physics.Start();
        _notices.PublishDegradation(_gateway.Degradation.Current.LevelName, _gateway.Degradation.Current.Message);
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
        _gateway.Degradation.Changed -= OnDegradation;
        Physics.Dispose();
        _stopping.Dispose();
    }

    private async Task LoopAsync()
    {
        long builtKnowledge = -1, builtAgents = -1;
        var builtLevel = (DegradationLevel)(-1);
        var builtAvailable = false;
        using var timer = new PeriodicTimer(Tick, _time);
        do
        {
            try
            {
                var agents = _gateway.Intake.Cache.Snapshot;
                var response = _gateway.Degradation.Current;
                var knowledgeVersion = Interlocked.Read(ref _knowledgeVersion);
                if (knowledgeVersion != builtKnowledge || agents.Version != builtAgents || response.Level != builtLevel || agents.Available != builtAvailable)
                {
                    Rebuild(agents, response);
                    builtKnowledge = knowledgeVersion;
                    builtAgents = agents.Version;
                    builtLevel = response.Level;
                    builtAvailable = agents.Available;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One bad rebuild must not stop the layout; the next tick tries again.
                GraphLog.RebuildFailed(_logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false));
    }

    private void Rebuild(AgentSnapshot agents, DegradationResponse response)
    {
        // Sized up front and the physics edge list reused: this runs on every agent update (ten times a second), and at
        // 10,000 agents grown lists and a fresh index put several hundred KB a time on the large object heap.
        var knowledgeSet = response.KnowledgeGraphEnabled ? Volatile.Read(ref _knowledge) : null;
        var nodes = new List<GraphNodeView>((knowledgeSet?.Notes.Count ?? 0) + agents.Agents.Count);
        var edges = _edgeScratch;
        edges.Clear();
        var edgeViews = new List<GraphEdgeView>((knowledgeSet?.Links.Count ?? 0) + agents.Edges.Count);

        if (response.KnowledgeGraphEnabled)
        {
            var knowledge = knowledgeSet!;
            var first = nodes.Count;
            foreach (var note in knowledge.Notes)
            {
                if (!_knowledgeIds.TryGetValue(note.Name, out var id))
                {
                    id = _nextKnowledgeId++;
                    _knowledgeIds[note.Name] = id;
                }

                nodes.Add(new GraphNodeView(id, "knowledge", note.Name, null, null, false));
            }

            foreach (var (from, to) in knowledge.Links)
            {
                edges.Add((first + from, first + to, 1f));
                edgeViews.Add(new GraphEdgeView(nodes[first + from].Id, nodes[first + to].Id, 1f, "link"));
            }
        }

        var agentGraph = response.AgentGraphEnabled && agents.Available;
        if (agentGraph)
        {
            var indexById = _indexScratch;
            indexById.Clear();
            foreach (var agent in agents.Agents)
            {
                indexById[agent.Id] = nodes.Count;
                nodes.Add(new GraphNodeView(agent.NodeId, "agent", agent.Id, agent.Status, agent.Type, agent.IsStale));
            }

            foreach (var edge in agents.Edges)
            {
                if (indexById.TryGetValue(edge.SourceId, out var a) && indexById.TryGetValue(edge.TargetId, out var b) && a != b)
                {
                    var weight = (float)Math.Clamp(edge.Weight, 0.01, 100);
                    edges.Add((a, b, weight));
                    edgeViews.Add(new GraphEdgeView(nodes[a].Id, nodes[b].Id, weight, "message_flow"));
                }
            }
        }

        var ids = new uint[nodes.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = nodes[i].Id;
        }

        Physics.SubmitTopology(ids, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(edges));
        var version = _current.Version + 1;
        Volatile.Write(ref _current, new GraphView(
            version,
            nodes,
            edgeViews,
            response.KnowledgeGraphEnabled,
            agentGraph,
            agents.Available ? null : _gateway.StateDetail));
    }

    private void OnPositions(PositionSnapshot positions)
    {
        // EmergencyMode and SafeMode switch real-time updates off: the last frame stays on screen, marked by the banner.
        if (_gateway.Degradation.Current.RealTimeUpdates)
        {
            _hub.Publish(new NodeSnapshot(positions.Ids, positions.State, positions.TopologyVersion, positions.Sequence) { Source = positions });
        }
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
    }
}

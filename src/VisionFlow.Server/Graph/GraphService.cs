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
/// gated by the degradation level, rebuilt the moment either changes, handed to the physics loop, and the loop's
/// positions published to the WebSocket hub. One loop owns the <see cref="DualGraph"/>; readers get its immutable
/// snapshots.
/// </summary>
/// <remarks>
/// Nothing here waits on a timer: the intake's applied change sets, knowledge reloads, degradation and link changes each
/// wake the loop, so an agent event reaches physics within microseconds of being applied; physics publishes a new
/// topology as it takes it (or as a running step ends), and changed weights go out with the next step. Physics hears
/// only what changed for the layout (<see cref="PhysicsFeed"/>): an agent's status or CPU changing is not its concern,
/// and a settled layout stays at rest through it. With real-time updates off (EmergencyMode) there is no continuous
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
            },
            time,
            loggers.CreateLogger<PhysicsLoop>());
        _physicsFeed = new PhysicsFeed(Physics);
        Physics.PositionsPublished += OnPositions;
        mcp.Link.Degradation.Changed += OnDegradation;
        mcp.Link.StatusChanged += OnLinkStatus;
        mcp.Intake.ChangesApplied = OnAgentsChanged;
        mcp.Structure.Changed += OnStructureChanged;
    }

    public PhysicsLoop Physics { get; }

    /// <summary>The graph as last handed to physics, for <c>/api/graph</c> (rendered once per build, on first request).</summary>
    public GraphView Current
    {
        get
        {
            // Builds come ten times a second at 10,000 agents but are read far less often: render on demand, once.
            var build = _graph.Current;
            var rendered = Volatile.Read(ref _rendered);
            if (rendered?.Version == build.Version)
            {
                return rendered;
            }

            rendered = GraphView.Of(build);
            Volatile.Write(ref _rendered, rendered);
            return rendered;
        }
    }

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
        _mcp.Intake.ChangesApplied = null;
        _mcp.Structure.Changed -= OnStructureChanged;
        Physics.Dispose();
        _stopping.Dispose();
    }

    private async Task LoopAsync()
    {
        long builtKnowledge = -1, builtAgents = -1, builtStructure = -1;
        var builtLevel = (DegradationLevel)(-1);
        var builtAvailable = false;
        string? builtReason = null;
        var stop = _stopping.Token;
        while (true)
        {
            await _wake.WaitAsync(stop).ConfigureAwait(false);
            try
            {
                // Returns at once when fresh; otherwise the intake builds it now (the request wakes it).
                var agents = await _mcp.Intake.Cache.GetSnapshotAsync(stop).ConfigureAwait(false);
                var response = _mcp.Link.Degradation.Current;
                var knowledgeVersion = Interlocked.Read(ref _knowledgeVersion);
                var reason = agents.Available ? null : _mcp.Link.Status.Detail;
                var structure = _mcp.Structure.Snapshot;
                if (knowledgeVersion != builtKnowledge || agents.Version != builtAgents || response.Level != builtLevel
                    || agents.Available != builtAvailable || !ReferenceEquals(reason, builtReason) || structure.Version != builtStructure)
                {
                    Rebuild(agents, response, reason, structure);
                    builtStructure = structure.Version;
                    builtKnowledge = knowledgeVersion;
                    builtAgents = agents.Version;
                    builtLevel = response.Level;
                    builtAvailable = agents.Available;
                    builtReason = reason;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One bad rebuild must not stop the layout; the next wake tries again.
                GraphLog.RebuildFailed(_logger, ex);
            }
        }
    }

    private void Rebuild(AgentSnapshot agents, DegradationResponse response, string? unavailableReason, Structure.StructureSnapshot structure)
    {
        // Allocation-free in steady state: this runs on every agent update, so the model reuses its buffers, and
        // /api/graph's views are rendered only when asked for.
        var knowledge = response.KnowledgeGraphEnabled ? Volatile.Read(ref _knowledge) : null;
        var showAgents = response.AgentGraphEnabled && agents.Available;
        var offReason = showAgents ? null
            : !response.AgentGraphEnabled ? $"{response.LevelName}: {response.Message}"
            : unavailableReason ?? "no MCP session";
        _graph.Build(knowledge, showAgents ? agents : null, offReason, structure.Swarms, structure.Tasks);
        _physicsFeed.Hand(_graph.Ids, _graph.Edges);
    }

    private void OnAgentsChanged(AgentChangeSet changes) => _wake.Set();

    private void OnStructureChanged(Structure.StructureChanges changes) => _wake.Set();

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
}

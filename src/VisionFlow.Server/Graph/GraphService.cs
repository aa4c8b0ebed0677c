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
    private readonly McpServices _mcp;
    private readonly NodeSnapshotHub _hub;
    private readonly StreamNotices _notices;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;
    private readonly Dictionary<string, uint> _knowledgeIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(int A, int B, float Weight)> _edgeScratch = [];
    private readonly Dictionary<string, int> _indexScratch = new(StringComparer.Ordinal);
    private uint[] _idScratch = [];
    private KnowledgeSet? _idsFor;
    private uint[] _idsOfSet = [];
    private KnowledgeWatcher? _watcher;
    private KnowledgeSet _knowledge;
    private long _knowledgeVersion = 1;
    private uint _nextKnowledgeId = 1;
    private Task _loop = Task.CompletedTask;
    private GraphSource _current = GraphSource.Empty;

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
        Physics.PositionsPublished += OnPositions;
        mcp.Link.Degradation.Changed += OnDegradation;
    }

    public PhysicsLoop Physics { get; }

    /// <summary>The graph as last handed to physics (nodes with flags and labels, edges), for <c>/api/graph</c>.</summary>
    public GraphView Current => Volatile.Read(ref _current).View;

    /// <summary>The last build, without rendering its view (cheap counts for probes).</summary>
    public GraphSource Source => Volatile.Read(ref _current);

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
        _notices.PublishDegradation(_mcp.Link.Degradation.Current.LevelName, _mcp.Link.Degradation.Current.Message);
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
                var agents = _mcp.Intake.Cache.Snapshot;
                var response = _mcp.Link.Degradation.Current;
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
        // Allocation-free in steady state: this runs on every agent update (ten times a second), so the id buffer, the
        // physics edge list and the agent index are reused, and /api/graph's views are rendered only when asked for.
        var knowledgeSet = response.KnowledgeGraphEnabled ? Volatile.Read(ref _knowledge) : null;
        var knowledgeIds = knowledgeSet is null ? [] : KnowledgeIds(knowledgeSet);
        var agentGraph = response.AgentGraphEnabled && agents.Available;
        var count = knowledgeIds.Length + (agentGraph ? agents.Agents.Count : 0);
        if (_idScratch.Length < count)
        {
            _idScratch = new uint[Math.Max(count, _idScratch.Length * 2)];
        }

        var ids = _idScratch.AsSpan(0, count);
        knowledgeIds.CopyTo(ids);
        var edges = _edgeScratch;
        edges.Clear();
        if (knowledgeSet is not null)
        {
            foreach (var (from, to) in knowledgeSet.Links)
            {
                edges.Add((from, to, 1f));
            }
        }

        if (agentGraph)
        {
            var list = agents.Agents;
            for (var i = 0; i < list.Count; i++)
            {
                ids[knowledgeIds.Length + i] = list[i].NodeId;
            }

            GraphSource.AddAgentEdges(agents, _indexScratch, edges, knowledgeIds.Length);
        }

        Physics.SubmitTopology(ids, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(edges));
        Volatile.Write(ref _current, new GraphSource(
            _current.Version + 1,
            knowledgeSet,
            knowledgeIds,
            agentGraph ? agents : null,
            response.KnowledgeGraphEnabled,
            agents.Available ? null : _mcp.Link.Status.Detail));
    }

    /// <summary>Stable node ids of a knowledge set's notes (a note keeps its id across reloads), computed once per set.</summary>
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
                id = _nextKnowledgeId++;
                _knowledgeIds[name] = id;
            }

            ids[i] = id;
        }

        (_idsFor, _idsOfSet) = (set, ids);
        return ids;
    }

    private void OnPositions(PositionSnapshot positions)
    {
        // EmergencyMode and SafeMode switch real-time updates off: the last frame stays on screen, marked by the banner.
        if (_mcp.Link.Degradation.Current.RealTimeUpdates)
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

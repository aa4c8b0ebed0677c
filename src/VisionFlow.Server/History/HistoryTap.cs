using Microsoft.Extensions.Logging;
using VisionFlow.Agents;
using VisionFlow.Agents.Cache;
using VisionFlow.Agents.Knowledge;
using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Link;
using VisionFlow.History.Model;
using VisionFlow.History.Recording;
using VisionFlow.Physics.Loop;
using VisionFlow.Server.Graph;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Server.Mcp;
using VisionFlow.Server.Structure;

namespace VisionFlow.Server.History;

/// <summary>
/// The adapter between the live pipeline and the recorder: it subscribes to what the pipeline already announces (the
/// intake's applied change sets, link transitions, degradation transitions, published positions) and maps each onto
/// change records; it changes nothing it listens to. A change set names the agents it touched; the tap reads their
/// fields from the cache's snapshot (the one the graph builds from) on its own loop, off the intake's thread, and the
/// recorder writes only the values that really changed. Positions are offered once per position interval, knowledge
/// notes when the graph's knowledge set is replaced.
/// </summary>
internal sealed partial class HistoryTap : IAsyncDisposable
{
    private readonly HistoryRecorder _recorder;
    private readonly McpServices _mcp;
    private readonly GraphService _graph;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _positionInterval;
    private readonly WakeSignal _wake = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _pendingGate = new();
    private HashSet<string> _touched = new(StringComparer.Ordinal);
    private HashSet<string> _removed = new(StringComparer.Ordinal);
    private HashSet<string> _touchedSpare = new(StringComparer.Ordinal);
    private HashSet<string> _removedSpare = new(StringComparer.Ordinal);
    private bool _edgesDirty;
    private int _everyAgent = 1; // the first round records every agent there is
    private readonly Dictionary<(string From, string To), AgentEdgeInfo> _edges = [];
    private readonly HashSet<(string From, string To)> _edgesSeen = [];
    private readonly Dictionary<string, IReadOnlyList<string>> _notes = new(StringComparer.Ordinal);
    private KnowledgeSet? _knowledge;
    private NodePosition[] _positions = [];
    private long _positionsOfferedTicks = long.MinValue;
    private Task _loop = Task.CompletedTask;
    private int _state; // 0 created, 1 started, 2 disposed

    public HistoryTap(HistoryRecorder recorder, McpServices mcp, GraphService graph, TimeProvider time, ILoggerFactory loggers)
    {
        _recorder = recorder;
        _mcp = mcp;
        _graph = graph;
        _time = time;
        _logger = loggers.CreateLogger("VisionFlow.History");
        _positionInterval = new HistoryRecorderOptions { Directory = "." }.PositionInterval;
    }

    /// <summary>Subscribes and records the link and level as they are now (the first records of this run).</summary>
    public void Start()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            return;
        }

        // The graph service sets the intake's callback when it is made (it is made before the tap); the tap is chained after it.
        _mcp.Intake.ChangesApplied += OnChangesApplied;
        _mcp.Link.StatusChanged += OnLinkStatus;
        _mcp.Link.Degradation.Changed += OnDegradation;
        _graph.Physics.PositionsPublished += OnPositions;
        _mcp.Structure.Changed += OnStructure;
        OnLinkStatus(_mcp.Link.Status);
        RecordStructure(_mcp.Structure.Snapshot.Swarms, [], [], _mcp.Structure.Snapshot.Tasks, [], []);
        var level = _mcp.Link.Degradation.Current.Level;
        if (level != DegradationLevel.FullyOperational)
        {
            _recorder.Degradation((int)DegradationLevel.FullyOperational, (int)level, "level when recording started");
        }

        lock (_pendingGate)
        {
            _edgesDirty = true;
        }

        _wake.Set(); // the agents and edges there are now
        _loop = Task.Run(LoopAsync);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }

        _mcp.Intake.ChangesApplied -= OnChangesApplied;
        _mcp.Link.StatusChanged -= OnLinkStatus;
        _mcp.Link.Degradation.Changed -= OnDegradation;
        _graph.Physics.PositionsPublished -= OnPositions;
        _mcp.Structure.Changed -= OnStructure;
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stopping.Dispose();
    }

    /// <summary>Records what the tap has taken in so far (tests: a moment to ask about is on disk).</summary>
    internal Task FlushAsync() => _recorder.FlushAsync();

    // The intake's thread: note the ids, nothing more (their fields are read from the snapshot on the tap's loop).
    private void OnChangesApplied(AgentChangeSet changes)
    {
        var intake = _mcp.Intake;
        lock (_pendingGate)
        {
            foreach (var key in changes.Added)
            {
                _touched.Add(intake.AgentId(key));
            }

            foreach (var key in changes.Updated)
            {
                _touched.Add(intake.AgentId(key));
            }

            foreach (var key in changes.Removed)
            {
                var id = intake.AgentId(key);
                _touched.Remove(id);
                _removed.Add(id);
            }

            _edgesDirty |= changes.EdgesChanged || changes.TopologyChanged;
        }

        _wake.Set();
    }

    // The structure tracker's thread, after a read that changed something: swarms and tasks as the server reported them.
    private void OnStructure(StructureChanges changes)
    {
        try
        {
            RecordStructure(changes.Swarms.Added, changes.Swarms.Updated, changes.Swarms.Removed, changes.Tasks.Added, changes.Tasks.Updated, changes.Tasks.Removed);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.TapFailed(_logger, ex);
        }
    }

    private void RecordStructure(
        IReadOnlyList<SwarmInfo> swarmsAdded, IReadOnlyList<SwarmInfo> swarmsUpdated, IReadOnlyList<string> swarmsRemoved,
        IReadOnlyList<TaskSummary> tasksAdded, IReadOnlyList<TaskSummary> tasksUpdated, IReadOnlyList<string> tasksRemoved)
    {
        if (swarmsAdded.Count + swarmsUpdated.Count + swarmsRemoved.Count + tasksAdded.Count + tasksUpdated.Count + tasksRemoved.Count == 0)
        {
            return;
        }

        using var batch = _recorder.Begin();
        foreach (var s in swarmsAdded) batch.Added(EntityKind.Swarm, s.Id, SwarmFields(s));
        foreach (var s in swarmsUpdated) batch.Changed(EntityKind.Swarm, s.Id, SwarmFields(s));
        foreach (var id in swarmsRemoved) batch.Removed(EntityKind.Swarm, id);
        foreach (var t in tasksAdded) batch.Added(EntityKind.Task, t.Id, TaskFields(t));
        foreach (var t in tasksUpdated) batch.Changed(EntityKind.Task, t.Id, TaskFields(t));
        foreach (var id in tasksRemoved) batch.Removed(EntityKind.Task, id);
    }

    private static FieldChange[] SwarmFields(SwarmInfo s) =>
    [
        new(SwarmField.Topology, s.Topology),
        new(SwarmField.Strategy, s.Strategy),
        new(SwarmField.Status, s.Status),
        new(SwarmField.MaxAgents, s.MaxAgents),
        new(SwarmField.AgentCount, s.AgentCount),
        new(SwarmField.CreatedAt, s.CreatedAt),
    ];

    private static FieldChange[] TaskFields(TaskSummary t) =>
    [
        new(TaskField.Description, t.Description),
        new(TaskField.Status, t.Status),
        new(TaskField.Priority, t.Priority),
        new(TaskField.Progress, t.Progress),
        new(TaskField.AgentIds, FieldValue.Of(t.AssignedTo)),
        new(TaskField.CreatedAt, t.CreatedAt),
    ];

    private void OnLinkStatus(McpLinkStatus status) =>
        _recorder.Link(status.StateName, status.Detail, status.LastFailure?.KindName, status.Address);

    private void OnDegradation(DegradationChange change) =>
        _recorder.Degradation((int)change.From, (int)change.To, change.Reason);

    // The physics thread, at the stream rate: a clock read and a reference compare, unless a sample is due.
    private void OnPositions(PositionSnapshot snapshot)
    {
        try
        {
            if (_graph.Source.Knowledge is { } knowledge && !ReferenceEquals(knowledge, _knowledge))
            {
                _knowledge = knowledge;
                RecordKnowledge(knowledge);
            }

            var now = _time.GetTimestamp();
            if (!snapshot.Settled && _positionsOfferedTicks != long.MinValue && _time.GetElapsedTime(_positionsOfferedTicks, now) < _positionInterval)
            {
                return;
            }

            _positionsOfferedTicks = now;
            var ids = snapshot.Ids.Span;
            var state = snapshot.State.Span;
            if (_positions.Length < ids.Length)
            {
                _positions = new NodePosition[ids.Length];
            }

            for (var i = 0; i < ids.Length; i++)
            {
                _positions[i] = new NodePosition(ids[i], state[i * 6], state[(i * 6) + 1], state[(i * 6) + 2]);
            }

            _recorder.Positions(_positions.AsSpan(0, ids.Length));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.TapFailed(_logger, ex);
        }
    }

    private void RecordKnowledge(KnowledgeSet knowledge)
    {
        using var batch = _recorder.Begin();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var note in knowledge.Notes)
        {
            seen.Add(note.Name);
            if (!_notes.TryGetValue(note.Name, out var links))
            {
                batch.Added(EntityKind.Note, note.Name, [new(NoteField.Links, FieldValue.Of(note.Links))]);
            }
            else if (!links.SequenceEqual(note.Links, StringComparer.Ordinal))
            {
                batch.Changed(EntityKind.Note, note.Name, [new(NoteField.Links, FieldValue.Of(note.Links))]);
            }

            _notes[note.Name] = note.Links;
        }

        foreach (var name in _notes.Keys.Where(n => !seen.Contains(n)).ToList())
        {
            _notes.Remove(name);
            batch.Removed(EntityKind.Note, name);
        }
    }

    private async Task LoopAsync()
    {
        var stop = _stopping.Token;
        while (true)
        {
            await _wake.WaitAsync(stop).ConfigureAwait(false);
            HashSet<string> touched, removed;
            bool edges;
            lock (_pendingGate)
            {
                (touched, _touched, _touchedSpare) = (_touched, _touchedSpare, _touched);
                (removed, _removed, _removedSpare) = (_removed, _removedSpare, _removed);
                edges = _edgesDirty;
                _edgesDirty = false;
            }

            try
            {
                // At least as new as every change set noted above: what it says is what they left.
                var snapshot = await _mcp.Intake.Cache.GetSnapshotAsync(stop).ConfigureAwait(false);
                Record(snapshot, touched, removed, edges);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.TapFailed(_logger, ex);
            }
            finally
            {
                touched.Clear();
                removed.Clear();
            }
        }
    }

    private void Record(AgentSnapshot snapshot, HashSet<string> touched, HashSet<string> removed, bool edges)
    {
        var agents = snapshot.Agents;
        var first = Interlocked.Exchange(ref _everyAgent, 0) == 1;
        using var batch = _recorder.Begin();
        foreach (var id in removed)
        {
            if (Find(agents, id) is { } back)
            {
                Agent(batch, back); // gone and back within one snapshot
            }
            else
            {
                batch.AgentRemoved(id);
            }
        }

        if (first)
        {
            // The start: every agent there is now (later rounds see only what the change sets name).
            foreach (var agent in agents)
            {
                Agent(batch, agent);
            }
        }
        else
        {
            foreach (var id in touched)
            {
                if (Find(agents, id) is { } agent)
                {
                    Agent(batch, agent);
                }
            }
        }

        if (edges)
        {
            Edges(batch, snapshot.Edges);
        }
    }

    private static void Agent(RecordingBatch batch, AgentInfo a) => batch.AgentChanged(a.Id,
    [
        new(AgentField.Type, a.Type),
        new(AgentField.Status, a.Status),
        new(AgentField.CpuUsage, a.CpuUsage),
        new(AgentField.MemoryUsage, a.MemoryUsage),
        new(AgentField.TasksActive, a.TasksActive),
        new(AgentField.TokensUsed, a.TokensUsed),
        new(AgentField.SwarmId, a.SwarmId),
        new(AgentField.Stale, FieldValue.Of(a.IsStale)),
        new(AgentField.LastSeen, FieldValue.Of(a.LastSeen)),
        new(AgentField.TelemetryTimestamp, a.TelemetryTimestamp),
        new(AgentField.Health, a.Health),
        new(AgentField.CreatedAt, a.CreatedAt),
        new(AgentField.Model, a.Model),
        new(AgentField.NodeId, FieldValue.Of((long)a.NodeId)),
    ]);

    private void Edges(RecordingBatch batch, IReadOnlyList<AgentEdgeInfo> edges)
    {
        _edgesSeen.Clear();
        foreach (var e in edges)
        {
            var key = (e.SourceId, e.TargetId);
            _edgesSeen.Add(key);
            if (!_edges.TryGetValue(key, out var before))
            {
                batch.EdgeAdded(e.SourceId, e.TargetId, [new(EdgeField.Weight, FieldValue.Of(e.Weight)), new(EdgeField.Messages, FieldValue.Of(e.Messages)), new(EdgeField.Bytes, FieldValue.Of(e.Bytes))]);
            }
            else if (before != e)
            {
                batch.EdgeChanged(e.SourceId, e.TargetId, [new(EdgeField.Weight, FieldValue.Of(e.Weight)), new(EdgeField.Messages, FieldValue.Of(e.Messages)), new(EdgeField.Bytes, FieldValue.Of(e.Bytes))]);
            }

            _edges[key] = e;
        }

        if (_edges.Count > _edgesSeen.Count)
        {
            foreach (var key in _edges.Keys.Where(k => !_edgesSeen.Contains(k)).ToList())
            {
                _edges.Remove(key);
                batch.EdgeRemoved(key.From, key.To);
            }
        }
    }

    /// <summary>The agent with <paramref name="id"/> in a snapshot's list (ordered by id, ordinal).</summary>
    private static AgentInfo? Find(IReadOnlyList<AgentInfo> agents, string id)
    {
        int lo = 0, hi = agents.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = string.CompareOrdinal(agents[mid].Id, id);
            if (c == 0)
            {
                return agents[mid];
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "History: a change could not be recorded")]
        public static partial void TapFailed(ILogger logger, Exception exception);
    }
}

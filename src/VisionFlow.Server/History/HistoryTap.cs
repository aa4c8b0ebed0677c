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
/// change records; it changes nothing it listens to. A change set names the agents and edges it touched; the tap
/// describes just those inside the intake's callback (<see cref="TelemetryIntake.DescribeAgent"/>,
/// <see cref="TelemetryIntake.DescribeEdge"/>) and records them on its own loop, off the intake's thread, so a batch
/// costs in proportion to what it changed, not to the agents there are; the recorder writes only the values that really
/// changed. One snapshot is read, at the start, for the agents and edges there already are. Positions are offered once
/// per position interval, knowledge notes when the graph's knowledge set is replaced.
/// </summary>
/// <remarks>
/// An update that moved only gauges (CPU, memory, tokens) is not described at once: the recorder keeps gauges once a
/// second anyway, and a busy swarm moves every agent's gauges on every tick, so describing each agent ten times a second
/// was most of recording's cost (bench/README "History"). Such an agent's gauges alone are read again once
/// <see cref="GaugeHold"/> has passed since it was held (<see cref="HeldGauges"/>), with the next batch or at the
/// intake's next wake, as they then are, and recorded as those fields only.
/// </remarks>
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
    // Latest description per agent id and per edge since the loop last took them (null: gone), with the cache version of
    // the batch that said so: the first round's snapshot already holds what a batch up to its version changed.
    private Dictionary<string, Pending<AgentInfo>> _agents = new(StringComparer.Ordinal);
    private Dictionary<string, Pending<AgentInfo>> _agentsSpare = new(StringComparer.Ordinal);

    // Agents whose held gauges fell due since the loop last took them: just those fields, read without describing the
    // agent (ten thousand a second in a big swarm), and newer than any description of the same agent taken before.
    private Dictionary<string, PendingGauges> _gauges = new(StringComparer.Ordinal);
    private Dictionary<string, PendingGauges> _gaugesSpare = new(StringComparer.Ordinal);
    private readonly FieldChange[] _gaugeFields = new FieldChange[5];
    private Dictionary<(string From, string To), Pending<AgentEdgeInfo>> _edgesPending = [];
    private Dictionary<(string From, string To), Pending<AgentEdgeInfo>> _edgesSpare = [];
    private readonly HashSet<(string From, string To)> _edgesRecorded = [];
    private readonly FieldChange[] _agentFields = new FieldChange[14];
    private readonly HeldGauges _gaugesHeld;
    private long _lastVersion;

    /// <summary>
    /// How long a gauge-only update may wait to be described: the recorder's gauge interval, the rate a viewer is sent
    /// gauges at too (half of it described every agent twice for one write, the other description dropped unwritten).
    /// </summary>
    internal static readonly TimeSpan GaugeHold = TimeSpan.FromSeconds(1);
    private long _recordedUpTo = -1; // the first round's snapshot version; -1 before it
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
        _gaugesHeld = new HeldGauges(time);
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
        _mcp.Intake.Woke += OnIntakeWoke;
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
        _mcp.Intake.Woke -= OnIntakeWoke;
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

    // The intake's thread, inside its batch: describe what the change set names (its keys are valid only here), nothing more.
    private void OnChangesApplied(AgentChangeSet changes)
    {
        var intake = _mcp.Intake;
        var version = changes.Version;
        lock (_pendingGate)
        {
            _lastVersion = version;
            foreach (var key in changes.Removed)
            {
                _gaugesHeld.Forget(key);
                var id = intake.AgentId(key);
                _agents[id] = new(null, version);
                _gauges.Remove(id);
            }

            foreach (var key in changes.Added)
            {
                _gaugesHeld.Release(key);
                var agent = intake.DescribeAgent(key);
                _agents[agent.Id] = new(agent, version);
                _gauges.Remove(agent.Id); // this description is newer
            }

            var updated = changes.Updated;
            var fields = changes.UpdatedFields;
            for (var i = 0; i < updated.Length; i++)
            {
                if (HeldGauges.OnlyGauges(fields[i]) && _gaugesHeld.Hold(updated[i], GaugeHold))
                {
                    continue;
                }

                _gaugesHeld.Release(updated[i]); // described whole, as it now is
                var agent = intake.DescribeAgent(updated[i]);
                _agents[agent.Id] = new(agent, version);
                _gauges.Remove(agent.Id); // this description is newer
            }

            TakeDueGauges_NeedsLock();

            foreach (var (a, b, weight) in changes.EdgeChanges)
            {
                var edge = weight > 0 ? intake.DescribeEdge(a, b) : null;
                var (from, to) = a < b ? (a, b) : (b, a);
                _edgesPending[(intake.AgentId(from), intake.AgentId(to))] = new(edge, version);
            }
        }

        _wake.Set();
    }

    // The intake's thread, after any wake: gauges held back are described once due, even when no batch follows them.
    private void OnIntakeWoke()
    {
        bool taken;
        lock (_pendingGate)
        {
            taken = TakeDueGauges_NeedsLock();
        }

        if (taken) _wake.Set();
    }

    private bool TakeDueGauges_NeedsLock()
    {
        var intake = _mcp.Intake;
        var taken = false;
        while (_gaugesHeld.TryTakeDue(GaugeHold, out var key))
        {
            // As they are now: at least as new as the last batch.
            intake.ReadGauges(key, out var cpu, out var memory, out var tokens, out var lastSeen, out var telemetry);
            _gauges[intake.AgentId(key)] = new(cpu, memory, tokens, lastSeen, telemetry, _lastVersion);
            taken = true;
        }

        return taken;
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
            try
            {
                if (_recordedUpTo < 0)
                {
                    // The start: every agent and edge there is now, from one snapshot (later rounds see only the change sets).
                    var snapshot = await _mcp.Intake.Cache.GetSnapshotAsync(stop).ConfigureAwait(false);
                    RecordStart(snapshot);
                    _recordedUpTo = snapshot.Version;
                }

                Dictionary<string, Pending<AgentInfo>> agents;
                Dictionary<string, PendingGauges> gauges;
                Dictionary<(string From, string To), Pending<AgentEdgeInfo>> edges;
                lock (_pendingGate)
                {
                    (agents, _agents, _agentsSpare) = (_agents, _agentsSpare, _agents);
                    (gauges, _gauges, _gaugesSpare) = (_gauges, _gaugesSpare, _gauges);
                    (edges, _edgesPending, _edgesSpare) = (_edgesPending, _edgesSpare, _edgesPending);
                }

                try
                {
                    Record(agents, gauges, edges);
                }
                finally
                {
                    agents.Clear();
                    gauges.Clear();
                    edges.Clear();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.TapFailed(_logger, ex);
            }
        }
    }

    private void RecordStart(AgentSnapshot snapshot)
    {
        using var batch = _recorder.Begin();
        foreach (var agent in snapshot.Agents)
        {
            Agent(batch, agent);
        }

        foreach (var edge in snapshot.Edges)
        {
            Edge(batch, edge);
        }
    }

    private void Record(
        Dictionary<string, Pending<AgentInfo>> agents, Dictionary<string, PendingGauges> gauges, Dictionary<(string From, string To), Pending<AgentEdgeInfo>> edges)
    {
        if (agents.Count == 0 && gauges.Count == 0 && edges.Count == 0)
        {
            return;
        }

        using var batch = _recorder.Begin();
        foreach (var (id, pending) in agents)
        {
            if (pending.Version <= _recordedUpTo)
            {
                continue; // the start's snapshot has it (or newer)
            }

            if (pending.Value is { } agent)
            {
                Agent(batch, agent);
            }
            else
            {
                batch.AgentRemoved(id);
            }
        }

        // After the descriptions: gauges taken after a description of the same agent are newer than it.
        var f = _gaugeFields; // the tap's loop only
        foreach (var (id, g) in gauges)
        {
            if (g.Version <= _recordedUpTo)
            {
                continue;
            }

            f[0] = new(AgentField.CpuUsage, g.CpuUsage);
            f[1] = new(AgentField.MemoryUsage, g.MemoryUsage);
            f[2] = new(AgentField.TokensUsed, g.TokensUsed);
            f[3] = new(AgentField.LastSeen, FieldValue.Of(g.LastSeen));
            f[4] = new(AgentField.TelemetryTimestamp, g.TelemetryTimestamp);
            batch.AgentChanged(id, f);
        }

        foreach (var (key, pending) in edges)
        {
            if (pending.Version <= _recordedUpTo)
            {
                continue;
            }

            if (pending.Value is { } edge)
            {
                Edge(batch, edge);
            }
            else if (_edgesRecorded.Remove(key))
            {
                batch.EdgeRemoved(key.From, key.To);
            }
        }
    }

    /// <summary>Every field of one agent; the recorder keeps only those that differ from what it holds.</summary>
    private void Agent(RecordingBatch batch, AgentInfo a)
    {
        var f = _agentFields; // the tap's loop only
        f[0] = new(AgentField.Type, a.Type);
        f[1] = new(AgentField.Status, a.Status);
        f[2] = new(AgentField.CpuUsage, a.CpuUsage);
        f[3] = new(AgentField.MemoryUsage, a.MemoryUsage);
        f[4] = new(AgentField.TasksActive, a.TasksActive);
        f[5] = new(AgentField.TokensUsed, a.TokensUsed);
        f[6] = new(AgentField.SwarmId, a.SwarmId);
        f[7] = new(AgentField.Stale, FieldValue.Of(a.IsStale));
        f[8] = new(AgentField.LastSeen, FieldValue.Of(a.LastSeen));
        f[9] = new(AgentField.TelemetryTimestamp, a.TelemetryTimestamp);
        f[10] = new(AgentField.Health, a.Health);
        f[11] = new(AgentField.CreatedAt, a.CreatedAt);
        f[12] = new(AgentField.Model, a.Model);
        f[13] = new(AgentField.NodeId, FieldValue.Of((long)a.NodeId));
        batch.AgentChanged(a.Id, f);
    }

    private void Edge(RecordingBatch batch, AgentEdgeInfo e)
    {
        ReadOnlySpan<FieldChange> fields = [new(EdgeField.Weight, FieldValue.Of(e.Weight)), new(EdgeField.Messages, FieldValue.Of(e.Messages)), new(EdgeField.Bytes, FieldValue.Of(e.Bytes))];
        if (_edgesRecorded.Add((e.SourceId, e.TargetId)))
        {
            batch.EdgeAdded(e.SourceId, e.TargetId, fields);
        }
        else
        {
            batch.EdgeChanged(e.SourceId, e.TargetId, fields);
        }
    }

    /// <summary>An agent's gauges as they were when taken, and the cache version then.</summary>
    private readonly record struct PendingGauges(
        float? CpuUsage, float? MemoryUsage, long? TokensUsed, DateTimeOffset LastSeen, DateTimeOffset? TelemetryTimestamp, long Version);

    /// <summary>A description noted in a batch (null: gone) and the cache version after that batch.</summary>
    private readonly record struct Pending<T>(T? Value, long Version)
        where T : class;

    private static partial class Log
    {
        [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "History: a change could not be recorded")]
        public static partial void TapFailed(ILogger logger, Exception exception);
    }
}

using System.Runtime.InteropServices;
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
/// change records; it changes nothing it listens to. A change set names the agents and edges it touched and, for an
/// update, which fields changed (<see cref="AgentChangeSet.UpdatedFields"/>); inside the intake's callback the tap reads
/// just those fields (<see cref="TelemetryIntake.ReadFields"/>, <see cref="TelemetryIntake.ReadGauges"/>; a new agent
/// whole, <see cref="TelemetryIntake.DescribeAgent"/>) into one pending record per agent that merges them until its own
/// loop, off the intake's thread, records them, so a batch costs in proportion to what it changed, not to the agents
/// there are, and allocates nothing for an update. One snapshot is read, at the start, for the agents and edges there
/// already are. Positions are offered once per position interval, knowledge notes when the graph's knowledge set is replaced.
/// </summary>
/// <remarks>
/// An update that moved only gauges (CPU, memory, tokens) is not read at once: the recorder keeps gauges once a second
/// anyway, and a busy swarm moves every agent's gauges on every tick. Such an agent's gauges are read again once
/// <see cref="GaugeHold"/> has passed since it was held (<see cref="HeldGauges"/>), with the next batch or at the
/// intake's next wake, as they then are, or with the agent's next other change.
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
    // Per agent id, what the loop is to record since it last took them: the fields changed batches named (merged, the
    // latest value of each), or that the agent went; with the cache version of the last batch that said so (the first
    // round's snapshot already holds what a batch up to its version changed).
    private Dictionary<string, PendingAgent> _agents = new(StringComparer.Ordinal);
    private Dictionary<string, PendingAgent> _agentsSpare = new(StringComparer.Ordinal);
    private readonly FieldChange[] _agentFields = new FieldChange[16];
    private Dictionary<(string From, string To), PendingEdge> _edgesPending = [];
    private Dictionary<(string From, string To), PendingEdge> _edgesSpare = [];
    private readonly HashSet<(string From, string To)> _edgesRecorded = [];

    // Per live edge (intake's thread): the weight class last taken and when its counters were last read.
    private readonly Dictionary<(string From, string To), (float Class, long CountersAt)> _edgeClasses = [];
    private readonly HeldGauges _gaugesHeld;

    // Which agent keys _gaugesHeld holds now (every hold and release goes through the tap), so that a held agent's next
    // gauge-only readings, nine in ten at 10 Hz, cost an array read here and not a dictionary lookup there.
    private bool[] _held = new bool[64];
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

    // The intake's thread, inside its batch: read what the change set names (its keys are valid only here), nothing more.
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
                MarkHeld(key, false);
                _agents[intake.AgentId(key)] = new() { Gone = true, Version = version };
            }

            foreach (var key in changes.Added)
            {
                // A new agent is described whole (every field, null where unknown).
                _gaugesHeld.Release(key);
                MarkHeld(key, false);
                var agent = intake.DescribeAgent(key);
                ref var p = ref CollectionsMarshal.GetValueRefOrAddDefault(_agents, agent.Id, out _);
                p = default;
                p.Describe(agent, version);
            }

            var updated = changes.Updated;
            var fields = changes.UpdatedFields;
            for (var i = 0; i < updated.Length; i++)
            {
                var key = updated[i];
                var changed = fields[i];
                if (HeldGauges.OnlyGauges(changed))
                {
                    if ((uint)key < (uint)_held.Length && _held[key])
                    {
                        continue;
                    }

                    if (_gaugesHeld.Hold(key, GaugeHold))
                    {
                        MarkHeld(key, true);
                        continue;
                    }
                }

                // Gauges held back from earlier batches go with this update.
                if (_gaugesHeld.Release(key)) changed |= HeldGauges.Gauges;
                MarkHeld(key, false);
                ReadChanged(key, changed, version);
            }

            TakeDueGauges_NeedsLock();

            foreach (var (a, b, weight) in changes.EdgeChanges)
            {
                TakeEdge(a, b, weight, version);
            }
        }

        _wake.Set();
    }

    private void MarkHeld(int key, bool held)
    {
        if ((uint)key >= (uint)_held.Length)
        {
            if (!held) return;
            Array.Resize(ref _held, Math.Max(key + 1, _held.Length * 2));
        }

        _held[key] = held;
    }

    /// <summary>
    /// An edge the intake reported (weight 0: gone). Recorded as <c>/ws</c> carries it, by its weight class
    /// (<see cref="GraphTopics.WeightClass"/>: a power of two, held while the weight stays within a factor of two), so a
    /// replayed graph draws it as the live one did; the decaying weight itself is not recorded, and the message and byte
    /// counts go with a class change or at most once per <see cref="_positionInterval"/> (a conversation's edges were
    /// reported, read and compared on every quarter their weight moved).
    /// </summary>
    private void TakeEdge(int a, int b, float weight, long version)
    {
        var intake = _mcp.Intake;
        var (from, to) = a < b ? (a, b) : (b, a);
        var key = (intake.AgentId(from), intake.AgentId(to));
        if (!(weight > 0f))
        {
            _edgeClasses.Remove(key);
            _edgesPending[key] = new() { Gone = true, Version = version };
            return;
        }

        ref var known = ref CollectionsMarshal.GetValueRefOrAddDefault(_edgeClasses, key, out var exists);
        var weightClass = GraphTopics.WeightClass(weight, exists ? known.Class : 0f);
        var now = _time.GetTimestamp();
        var countersDue = !exists || _time.GetElapsedTime(known.CountersAt, now) >= _positionInterval;
        if (exists && weightClass.Equals(known.Class) && !countersDue)
        {
            return;
        }

        known.Class = weightClass;
        ref var p = ref CollectionsMarshal.GetValueRefOrAddDefault(_edgesPending, key, out _);
        p.Gone = false;
        p.Version = Math.Max(p.Version, version);
        p.Class = weightClass;
        if (countersDue && intake.DescribeEdge(a, b) is { } edge)
        {
            known.CountersAt = now;
            p.Counters = true;
            p.Messages = edge.Messages;
            p.Bytes = edge.Bytes;
        }
    }

    /// <summary>
    /// Merges the fields an update changed (and last_seen, telemetry time) into the agent's pending record: read from
    /// the intake's state as they are now, without describing the agent (a status change at 10,000 agents built and
    /// compared a whole description before).
    /// </summary>
    private void ReadChanged(int key, AgentFields changed, long version)
    {
        var intake = _mcp.Intake;
        ref var p = ref CollectionsMarshal.GetValueRefOrAddDefault(_agents, intake.AgentId(key), out _);
        p.Version = Math.Max(p.Version, version);
        intake.ReadGauges(key, out var cpu, out var memory, out var tokens, out var lastSeen, out var telemetry);
        if ((changed & AgentFields.CpuUsage) != 0) p.Set(AgentField.CpuUsage, ref p.CpuUsage, cpu);
        if ((changed & AgentFields.MemoryUsage) != 0) p.Set(AgentField.MemoryUsage, ref p.MemoryUsage, memory);
        if ((changed & AgentFields.TokensUsed) != 0) p.Set(AgentField.TokensUsed, ref p.TokensUsed, tokens);
        p.Set(AgentField.LastSeen, ref p.LastSeen, lastSeen);
        p.Set(AgentField.TelemetryTimestamp, ref p.TelemetryTimestamp, telemetry);
        if ((changed & ~HeldGauges.Gauges) == 0)
        {
            return;
        }

        intake.ReadAttributes(key, out var type, out var status, out var tasks, out var swarm, out var stale, out var health, out var created, out var model);
        if ((changed & AgentFields.Type) != 0) p.Set(AgentField.Type, ref p.Type, type);
        if ((changed & AgentFields.Status) != 0) p.Set(AgentField.Status, ref p.Status, status);
        if ((changed & AgentFields.TasksActive) != 0) p.Set(AgentField.TasksActive, ref p.TasksActive, tasks);
        if ((changed & AgentFields.Swarm) != 0) p.Set(AgentField.SwarmId, ref p.SwarmId, swarm);
        if ((changed & AgentFields.Stale) != 0) p.Set(AgentField.Stale, ref p.Stale, stale);
        if ((changed & AgentFields.Health) != 0) p.Set(AgentField.Health, ref p.Health, health);
        if ((changed & AgentFields.CreatedAt) != 0) p.Set(AgentField.CreatedAt, ref p.CreatedAt, created);
        if ((changed & AgentFields.Model) != 0) p.Set(AgentField.Model, ref p.Model, model);
    }

    // The intake's thread, after any wake: gauges held back are read once due, even when no batch follows them.
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
        var taken = false;
        while (_gaugesHeld.TryTakeDue(GaugeHold, out var key))
        {
            MarkHeld(key, false);
            // As they are now: at least as new as the last batch.
            ReadChanged(key, HeldGauges.Gauges, _lastVersion);
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

                Dictionary<string, PendingAgent> agents;
                Dictionary<(string From, string To), PendingEdge> edges;
                lock (_pendingGate)
                {
                    (agents, _agents, _agentsSpare) = (_agents, _agentsSpare, _agents);
                    (edges, _edgesPending, _edgesSpare) = (_edgesPending, _edgesSpare, _edgesPending);
                }

                try
                {
                    Record(agents, edges);
                }
                finally
                {
                    agents.Clear();
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
            // By its class, as the tap's changes record it (its counts too).
            Edge(batch, edge.SourceId, edge.TargetId, new PendingEdge { Class = GraphTopics.WeightClass(edge.Weight, 0f), Counters = true, Messages = edge.Messages, Bytes = edge.Bytes });
        }
    }

    private void Record(Dictionary<string, PendingAgent> agents, Dictionary<(string From, string To), PendingEdge> edges)
    {
        if (agents.Count == 0 && edges.Count == 0)
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

            if (pending.Gone)
            {
                batch.AgentRemoved(id);
            }
            else
            {
                batch.AgentChanged(id, pending.Fields(_agentFields));
            }
        }

        foreach (var (key, pending) in edges)
        {
            if (pending.Version <= _recordedUpTo)
            {
                continue;
            }

            if (!pending.Gone)
            {
                Edge(batch, key.From, key.To, pending);
            }
            else if (_edgesRecorded.Remove(key))
            {
                batch.EdgeRemoved(key.From, key.To);
            }
        }
    }

    /// <summary>Every field of one agent (the start's snapshot); the recorder keeps only those that differ from what it holds.</summary>
    private void Agent(RecordingBatch batch, AgentInfo a)
    {
        var p = default(PendingAgent);
        p.Describe(a, 0);
        batch.AgentChanged(a.Id, p.Fields(_agentFields));
    }

    private void Edge(RecordingBatch batch, string from, string to, in PendingEdge e)
    {
        ReadOnlySpan<FieldChange> fields = e.Counters
            ? [new(EdgeField.Weight, FieldValue.Of((double)e.Class)), new(EdgeField.Messages, FieldValue.Of(e.Messages)), new(EdgeField.Bytes, FieldValue.Of(e.Bytes))]
            : [new(EdgeField.Weight, FieldValue.Of((double)e.Class))];
        if (_edgesRecorded.Add((from, to)))
        {
            batch.EdgeAdded(from, to, fields);
        }
        else
        {
            batch.EdgeChanged(from, to, fields);
        }
    }

    /// <summary>What is to be recorded of one edge: its weight class and, when read, its counts; or that it went.</summary>
    private struct PendingEdge
    {
        public long Version;
        public bool Gone;
        public float Class;
        public bool Counters;
        public long Messages;
        public long Bytes;
    }

    /// <summary>
    /// What is to be recorded of one agent: the fields named in <see cref="Changed"/> (bit n = <see cref="AgentField"/> n)
    /// with their latest values, or that it went. Merged in place as batches name it; a field not named is not recorded.
    /// </summary>
    private struct PendingAgent
    {
        public long Version;
        public bool Gone;
        public ulong Changed;
        public string? Type;
        public string? Status;
        public float? CpuUsage;
        public float? MemoryUsage;
        public int? TasksActive;
        public long? TokensUsed;
        public string? SwarmId;
        public bool Stale;
        public DateTimeOffset LastSeen;
        public DateTimeOffset? TelemetryTimestamp;
        public float? Health;
        public DateTimeOffset? CreatedAt;
        public string? Model;
        public uint NodeId;

        public void Set<T>(AgentField field, ref T slot, T value)
        {
            slot = value;
            Changed |= 1UL << (int)field;
        }

        /// <summary>Every field of a new agent (the recorder writes those it does not hold).</summary>
        public void Describe(AgentInfo a, long version)
        {
            Version = version;
            Gone = false;
            Type = a.Type;
            Status = a.Status;
            CpuUsage = a.CpuUsage;
            MemoryUsage = a.MemoryUsage;
            TasksActive = a.TasksActive;
            TokensUsed = a.TokensUsed;
            SwarmId = a.SwarmId;
            Stale = a.IsStale;
            LastSeen = a.LastSeen;
            TelemetryTimestamp = a.TelemetryTimestamp;
            Health = a.Health;
            CreatedAt = a.CreatedAt;
            Model = a.Model;
            NodeId = a.NodeId;
            Changed = AllFields;
        }

        /// <summary>The changed fields, in field order, written into <paramref name="into"/>.</summary>
        public readonly ReadOnlySpan<FieldChange> Fields(FieldChange[] into)
        {
            var n = 0;
            var c = Changed;
            if (Has(c, AgentField.Type)) into[n++] = new(AgentField.Type, Type);
            if (Has(c, AgentField.Status)) into[n++] = new(AgentField.Status, Status);
            if (Has(c, AgentField.CpuUsage)) into[n++] = new(AgentField.CpuUsage, CpuUsage);
            if (Has(c, AgentField.MemoryUsage)) into[n++] = new(AgentField.MemoryUsage, MemoryUsage);
            if (Has(c, AgentField.TasksActive)) into[n++] = new(AgentField.TasksActive, TasksActive);
            if (Has(c, AgentField.TokensUsed)) into[n++] = new(AgentField.TokensUsed, TokensUsed);
            if (Has(c, AgentField.SwarmId)) into[n++] = new(AgentField.SwarmId, SwarmId);
            if (Has(c, AgentField.Stale)) into[n++] = new(AgentField.Stale, FieldValue.Of(Stale));
            if (Has(c, AgentField.LastSeen)) into[n++] = new(AgentField.LastSeen, FieldValue.Of(LastSeen));
            if (Has(c, AgentField.TelemetryTimestamp)) into[n++] = new(AgentField.TelemetryTimestamp, TelemetryTimestamp);
            if (Has(c, AgentField.Health)) into[n++] = new(AgentField.Health, Health);
            if (Has(c, AgentField.CreatedAt)) into[n++] = new(AgentField.CreatedAt, CreatedAt);
            if (Has(c, AgentField.Model)) into[n++] = new(AgentField.Model, Model);
            if (Has(c, AgentField.NodeId)) into[n++] = new(AgentField.NodeId, FieldValue.Of((long)NodeId));
            return into.AsSpan(0, n);
        }

        private static bool Has(ulong changed, AgentField field) => (changed & (1UL << (int)field)) != 0;

        private const ulong AllFields =
            (1UL << (int)AgentField.Type) | (1UL << (int)AgentField.Status) | (1UL << (int)AgentField.CpuUsage) |
            (1UL << (int)AgentField.MemoryUsage) | (1UL << (int)AgentField.TasksActive) | (1UL << (int)AgentField.TokensUsed) |
            (1UL << (int)AgentField.SwarmId) | (1UL << (int)AgentField.Stale) | (1UL << (int)AgentField.LastSeen) |
            (1UL << (int)AgentField.TelemetryTimestamp) | (1UL << (int)AgentField.Health) | (1UL << (int)AgentField.CreatedAt) |
            (1UL << (int)AgentField.Model) | (1UL << (int)AgentField.NodeId);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "History: a change could not be recorded")]
        public static partial void TapFailed(ILogger logger, Exception exception);
    }
}

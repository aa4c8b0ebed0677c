using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using VisionFlow.Agents.Cache;
using VisionFlow.Agents.Flows;
using VisionFlow.Agents.Graph;
using VisionFlow.Agents.Telemetry;
using VisionFlow.Connections.Link;
using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Agents.Intake;

/// <summary>
/// The single owner of agent state, reading what the MCP link's sessions deliver (<see cref="McpSessionFeed"/>: listings
/// and session ends in order, pushed lines in a bounded session-tagged byte ring the link writes into).
/// Design: deliveries arrive on other threads and wake one loop (<see cref="RunAsync"/>) at once, which takes everything
/// waiting — so a burst becomes one batch and a lone event is applied within microseconds, with no timer between the
/// socket and the cache. The loop parses and stages (coalescing per agent, last write wins per field), applies the batch
/// to the cache, updates edges and the agent graph, and publishes a reused change set only when something changed. A
/// housekeeping tick ages edges and finds silent agents when nothing arrives. Parser, cache, edges and agent graph are
/// touched by this loop alone, so none of them lock; readers get immutable snapshots.
/// </summary>
/// <remarks>
/// Sessions: a listing for a newer session starts it and replaces every agent (what it does not name is gone at once);
/// pushed lines count only for the session now open; a session's end empties the cache until the next listing. So a
/// restarted peer's new agents replace the old ones in one step, and nothing an old connection sent can resurrect them.
/// </remarks>
public sealed class TelemetryIntake
{
    private readonly TimeProvider _time;
    private readonly AgentTelemetryOptions _options;
    private readonly double[] _metricValues;
    private readonly long[] _metricCounts;
    private readonly McpSessionFeed _feed;
    private readonly WakeSignal _wake = new();
    private readonly Func<string, bool> _isKnownAgent;

    // The history's flows as published, by slot (sequence % capacity): a snapshot reuses the ones it already built, so
    // ten snapshots a second allocate only the flows that are new, not all 1,024 every time.
    private readonly MessageFlowInfo?[] _flowInfos;
    private readonly MessageFlow[] _flowSources;
    private readonly long[] _flowSequences;
    private long _session;
    private long _flowsPublished;
    private long _lines;
    private long _accepted;
    private long _malformed;
    private long _unknownType;
    private long _missingField;
    private long _idTooLong;
    private long _overCapacity;
    private long _unknownAgent;
    private long _listsParsed;
    private long _listsFailed;
    private long _listRejected;
    private long _metrics;
    private long _batches;
    private long _published;
    private long _consumerFailures;
    private long _pushDropped;
    private long _sessions;
    private int _running;
    private readonly ListSink _listSink;
    private readonly MembershipOverlay _membership;
    private readonly Lock _consumersGate = new();
    private Action<AgentChangeSet>[] _consumers = [];

    /// <summary>Creates the intake, the one reader of <paramref name="sessions"/> (the MCP link's feed).</summary>
    public TelemetryIntake(AgentTelemetryOptions options, TimeProvider timeProvider, McpSessionFeed sessions)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(sessions);
        options.Validate();
        _options = options;
        _time = timeProvider;
        const int labelCapacity = 1024;
        Parser = new TelemetryParser(options.KeyCapacity, labelCapacity, options.MaxIdBytes);
        Cache = new AgentCache(options.KeyCapacity, options.MaxAgents, options.Interval * options.StaleAfterIntervals, options.Interval * options.RemoveAfterIntervals);
        Edges = new MessageFlowEdges(options.FlowHistoryCapacity, options.MaxEdges, options.EdgeHalfLife, options.EdgeWeightFloor);
        _flowInfos = new MessageFlowInfo?[options.FlowHistoryCapacity];
        _flowSources = new MessageFlow[options.FlowHistoryCapacity];
        _flowSequences = new long[options.FlowHistoryCapacity];
        Array.Fill(_flowSequences, -1);
        _metricValues = new double[labelCapacity];
        _metricCounts = new long[labelCapacity];
        _listSink = new ListSink(this);
        _membership = new MembershipOverlay(Math.Max(1024, options.MaxAgents * 4));
        _isKnownAgent = IsKnownAgent;
        var wake = _wake;
        Cache.SnapshotDemanded = wake.Set;
        Cache.Admission.Committed = wake.Set;
        _feed = sessions;
        // Pushed lines wake the loop on the connection's read loop itself, between two socket reads: a parked loop takes
        // the batch there, one thread-pool item from socket to change set (WakeSignal.SetInline). Listings, answers and
        // session ends come from the link's threads, which may hold its locks: those only flag the loop.
        sessions.Subscribe(wake.Set, wake.SetInline);
    }

    /// <summary>The agent cache (read side: snapshots, count, spawn admission).</summary>
    public AgentCache Cache { get; }

    /// <summary>The parser and its id tables (owner thread only).</summary>
    internal TelemetryParser Parser { get; }

    /// <summary>Message-flow edges (owner thread only).</summary>
    internal MessageFlowEdges Edges { get; }

    /// <summary>
    /// Raised on the owner thread after each batch that changed something, with what changed; read the set (and
    /// <see cref="DescribeAgent"/>) before returning, since both are reused. Each consumer is called on its own: one that
    /// throws is counted (<see cref="ConsumerFailures"/>) and the others still hear of the batch. Subscribe before the
    /// loop starts, so no batch goes unseen.
    /// </summary>
    public event Action<AgentChangeSet>? ChangesApplied
    {
        add
        {
            ArgumentNullException.ThrowIfNull(value);
            lock (_consumersGate) _consumers = [.. _consumers, value];
        }

        remove
        {
            lock (_consumersGate) _consumers = Array.FindAll(_consumers, c => c != value);
        }
    }

    /// <summary>
    /// Raised on the owner thread after each wake of the loop, whether or not it applied a batch (while there are agents
    /// the loop wakes at least every three intervals: deliveries, or the housekeeping timer when none came): a consumer
    /// that holds changes back for a while sends them here once they are due, even when no later batch comes, with
    /// <see cref="DescribeAgent"/> as safe to call as in <see cref="ChangesApplied"/>. Subscribe before the loop starts.
    /// </summary>
    public event Action? Woke;

    /// <summary>Counters (safe from any thread; each value is individually current).</summary>
    public TelemetryCounters Counters => new(
        Volatile.Read(ref _lines), Volatile.Read(ref _accepted), Volatile.Read(ref _malformed), Volatile.Read(ref _unknownType),
        Volatile.Read(ref _missingField), Volatile.Read(ref _idTooLong), Volatile.Read(ref _overCapacity), Volatile.Read(ref _unknownAgent),
        Volatile.Read(ref _listsParsed), Volatile.Read(ref _listsFailed), Volatile.Read(ref _listRejected), Cache.RejectedOverLimit,
        Volatile.Read(ref _metrics), Edges.FlowsRecorded, Edges.DroppedEdgeFull, Volatile.Read(ref _batches), Volatile.Read(ref _published));

    /// <summary>Exceptions thrown by <see cref="ChangesApplied"/> or agent-graph observers (counted, never propagated into the loop).</summary>
    public long ConsumerFailures => Volatile.Read(ref _consumerFailures);

    /// <summary>The last exception a consumer threw.</summary>
    public Exception? LastConsumerError { get; private set; }

    /// <summary>The agent id string of an agent key (owner thread, or inside <see cref="ChangesApplied"/>).</summary>
    public string AgentId(int agentKey) => Parser.AgentId(agentKey);

    /// <summary>
    /// One present agent as readers see it (inside <see cref="ChangesApplied"/>, for the keys of its added and updated
    /// agents): what a consumer needs to pass a change on, without asking for a snapshot of every agent.
    /// </summary>
    public AgentInfo DescribeAgent(int agentKey)
    {
        if (!Cache.IsPresent(agentKey)) throw new ArgumentOutOfRangeException(nameof(agentKey), agentKey, "not a present agent");
        return Describe(agentKey);
    }

    /// <summary>
    /// A present agent's gauges, when it was last heard and its telemetry's time, exactly as <see cref="DescribeAgent"/> gives them (null where
    /// the peer never said), without building the agent: a busy swarm moves every agent's gauges on every tick, and
    /// readers that pass those on (the <c>/ws</c> agents topic) should not allocate a description per reading. Same
    /// rules as <see cref="DescribeAgent"/>: inside <see cref="ChangesApplied"/> or <see cref="Woke"/>.
    /// </summary>
    public void ReadGauges(
        int agentKey, out float? cpuUsage, out float? memoryUsage, out long? tokensUsed, out DateTimeOffset lastSeen, out DateTimeOffset? telemetryTimestamp)
    {
        if (!Cache.IsPresent(agentKey)) throw new ArgumentOutOfRangeException(nameof(agentKey), agentKey, "not a present agent");
        ref readonly var s = ref Cache.StateOf(agentKey);
        var known = s.Known;
        cpuUsage = (known & TelemetryFields.CpuUsage) != 0 ? s.CpuUsage : null;
        memoryUsage = (known & TelemetryFields.MemoryUsage) != 0 ? s.MemoryUsage : null;
        tokensUsed = (known & TelemetryFields.TokensUsed) != 0 ? s.TokensUsed : null;
        lastSeen = new DateTimeOffset(s.LastSeenTicks, TimeSpan.Zero);
        telemetryTimestamp = s.TelemetryTicks > 0 ? new DateTimeOffset(s.TelemetryTicks, TimeSpan.Zero) : null;
    }

    /// <summary>
    /// A present agent's fields other than its gauges, exactly as <see cref="DescribeAgent"/> gives them (null where the
    /// peer never said), without building the agent: with <see cref="ReadGauges"/> a reader passes on just the fields an
    /// update changed (<see cref="AgentChangeSet.UpdatedFields"/>) and allocates nothing for it (the <c>/ws</c> agents
    /// topic, the history tap). Same rules as <see cref="DescribeAgent"/>: inside <see cref="ChangesApplied"/> or
    /// <see cref="Woke"/>.
    /// </summary>
    public void ReadAttributes(
        int agentKey, out string? type, out string? status, out int? tasksActive, out string? swarmId, out bool stale, out float? health,
        out DateTimeOffset? createdAt, out string? model)
    {
        if (!Cache.IsPresent(agentKey)) throw new ArgumentOutOfRangeException(nameof(agentKey), agentKey, "not a present agent");
        ref readonly var s = ref Cache.StateOf(agentKey);
        var known = s.Known;
        type = Known(known, TelemetryFields.Type, s.TypeKey);
        status = Known(known, TelemetryFields.Status, s.StatusKey);
        tasksActive = (known & TelemetryFields.TasksActive) != 0 ? s.TasksActive : null;
        swarmId = Known(known, TelemetryFields.Swarm, s.SwarmKey);
        stale = s.Stale;
        health = (known & TelemetryFields.Health) != 0 ? s.Health : null;
        createdAt = (known & TelemetryFields.CreatedAt) != 0 ? new DateTimeOffset(s.CreatedAtTicks, TimeSpan.Zero) : null;
        model = Known(known, TelemetryFields.Model, s.ModelKey);
    }

    /// <summary>
    /// The message-flow edge between two agents as readers see it (inside <see cref="ChangesApplied"/>, for the keys of
    /// its edge changes), smaller key first as in the snapshot; null when there is none or an end is not present.
    /// </summary>
    public AgentEdgeInfo? DescribeEdge(int agentKeyA, int agentKeyB)
    {
        var (a, b) = agentKeyA < agentKeyB ? (agentKeyA, agentKeyB) : (agentKeyB, agentKeyA);
        if (!Cache.IsPresent(a) || !Cache.IsPresent(b) || !Edges.TryGetEdge(a, b, out var weight, out var messages, out var bytes))
        {
            return null;
        }

        return new AgentEdgeInfo(Parser.AgentId(a), Parser.AgentId(b), weight, messages, bytes);
    }

    /// <summary>The session whose deliveries are applied now; 0 when none is open (owner thread).</summary>
    public long Session => Volatile.Read(ref _session);

    /// <summary>Sessions started so far.</summary>
    public long Sessions => Volatile.Read(ref _sessions);

    /// <summary>Pushed lines dropped: from a session no longer open, or because the buffer was full (the intake fell behind).</summary>
    public long PushDropped => _feed.LinesDropped + Interlocked.Read(ref _pushDropped);

    /// <summary>Pushed bytes received but not yet applied: how far the intake's loop is behind the socket.</summary>
    public long PushBacklogBytes => _feed.BacklogBytes;

    /// <summary>The feed this intake reads.</summary>
    internal McpSessionFeed Feed => _feed;

    /// <summary>
    /// An agent our own command created, as the server's answer to the spawn named it: applied like the server's
    /// <c>agent.spawned</c>, so it shows within one round trip instead of at the server's next telemetry frame (a peer
    /// that pushes at 10 Hz) or poll. Ignored unless <paramref name="session"/> is the open session; the server's own
    /// event for it, when it comes, finds the agent there. Not counted as a received telemetry line.
    /// </summary>
    public void OnAgentSpawned(long session, AgentSummary agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentException.ThrowIfNullOrEmpty(agent.Id);
        var line = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(line))
        {
            // Written with the vocabulary's own names, so the parser reads every field the server's answer carried.
            writer.WriteStartObject();
            writer.WriteString("type"u8, "agent.spawned"u8);
            writer.WriteStartObject("data"u8);
            writer.WriteString("agent_id"u8, agent.Id);
            if (agent.Type is not null) writer.WriteString("type"u8, agent.Type);
            if (agent.SwarmId is not null) writer.WriteString("swarm_id"u8, agent.SwarmId);
            if (agent.Status is not null) writer.WriteString("status"u8, agent.Status);
            if (agent.Model is not null) writer.WriteString("model"u8, agent.Model);
            if (agent.Health is { } health) writer.WriteNumber("health"u8, health);
            if (agent.TasksActive is { } tasks) writer.WriteNumber("tasks_active"u8, tasks);
            if (agent.CpuUsage is { } cpu) writer.WriteNumber("cpu_usage"u8, cpu);
            if (agent.MemoryUsage is { } memory) writer.WriteNumber("memory_usage"u8, memory);
            if (agent.TokensUsed is { } tokens) writer.WriteNumber("tokens_used"u8, tokens);
            if (agent.CreatedAt is { } created) writer.WriteString("created_at"u8, created);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        // Through the feed, in order with the listings: a listing taken after this answer is newer and wins.
        _feed.PublishAnswer(session, line.WrittenSpan.ToArray());
    }

    /// <summary>
    /// Applies deliveries as they arrive until cancelled: each wake takes everything waiting as one batch and ages what
    /// the cache holds; a housekeeping tick ages edges and finds silent agents when nothing arrives (three intervals
    /// after the last delivery, then once an interval).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0) throw new InvalidOperationException("the telemetry intake is already running");
        var wake = _wake;

        // Housekeeping (aging agents, decaying edges, expiring spawn reservations, held gauges going out) is part of every
        // wake: each batch ages what it holds by the clock. The timer only wakes the loop when nothing else did for a
        // while, and only while there is something to age: with nothing known the loop sleeps until a delivery wakes it.
        // Each wake that brought deliveries pushes the timer three intervals out (a peer pushing at 10 Hz wakes the loop
        // ten times a second anyway); with nothing delivered the loop ticks once an interval as before. A timer that
        // fires costs three thread wake-ups (timer thread, pool worker, the worker re-arming the timer thread); pushing
        // it back costs none, and the timer thread one when it finds its old due time passed with nothing due: at 10 Hz
        // about 4 wake-ups a second instead of ~30 (bench/README "Wake-ups at ten agents", round 6).
        var period = _options.Interval;
        var held = period * 3;
        using var housekeeping = _time.CreateTimer(static s => ((WakeSignal)s!).Set(), wake, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var armed = false;
        try
        {
            while (true)
            {
                await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
                ProcessPending(out var delivered);
                if (NeedsHousekeeping)
                {
                    armed = true;
                    housekeeping.Change(delivered ? held : period, Timeout.InfiniteTimeSpan);
                }
                else if (armed)
                {
                    armed = false;
                    housekeeping.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                }

                // After the timer is set, so that a consumer (or a test) that hears of this wake sees the timer as it is.
                RaiseWoke();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private void RaiseWoke()
    {
        try
        {
            Woke?.Invoke();
        }
        catch (Exception ex)
        {
            ConsumerFailed(ex);
        }
    }

    /// <summary>Whether anything ages with time: agents (stale, removal), edges (decay) or spawn reservations (expiry).</summary>
    private bool NeedsHousekeeping => Cache.Count > 0 || Cache.Untracked > 0 || Edges.EdgeCount > 0 || Cache.Admission.Pending > 0;

    /// <summary>Applies everything delivered so far as one batch (what the loop does on each wake); returns whether a change set was published.</summary>
    public ValueTask<bool> ProcessBatchAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(ProcessPending(out _));
    }

    /// <summary>Everything delivered so far, as one batch; <paramref name="delivered"/>: whether the feed held anything.</summary>
    private bool ProcessPending(out bool delivered)
    {
        var published = false;
        delivered = false;
        while (_feed.TryTake(out var delivery))
        {
            delivered = true;
            if (delivery.IsEnd)
            {
                if (delivery.Session == _session)
                {
                    Volatile.Write(ref _session, 0);
                    _membership.Clear();
                    published |= ApplyBatch();
                }

                continue;
            }

            if (delivery.IsAnswer)
            {
                // Through the parser, so an answer is held to what a pushed line is (id length, capacity). Applied on
                // its own, so a listing after it that fails to parse cannot discard it with what it staged.
                var applied = false;
                if (delivery.Session == _session && Parser.Parse(delivery.Json, out var ev) == TelemetryParseStatus.Ok)
                {
                    // Our own command put it in that swarm (and the server named its model): kept for the session,
                    // whatever the listings leave out.
                    var swarm = (ev.Fields & TelemetryFields.Swarm) != 0 ? ev.SwarmKey : -1;
                    var model = (ev.Fields & TelemetryFields.Model) != 0 ? ev.ModelKey : -1;
                    if ((swarm >= 0 || model >= 0) && ev.AgentKey >= 0)
                    {
                        _membership.Remember(Parser.AgentId(ev.AgentKey), swarm, model);
                    }

                    Cache.Stage(in ev);
                    applied = ApplyBatch();
                    published |= applied;
                }

                delivery.Complete(applied);
                continue;
            }

            if (delivery.Session < _session || delivery.Session <= 0)
            {
                delivery.Complete(false); // an earlier session's listing, overtaken
                continue;
            }

            if (delivery.Session > _session)
            {
                // A new session: its listing replaces every agent of the last one, named or not.
                Volatile.Write(ref _session, delivery.Session);
                Interlocked.Increment(ref _sessions);
                _membership.Clear();
                Cache.BeginFullList();
            }

            var changed = false;
            try
            {
                StageListing(delivery.Json!);
                changed = ApplyBatch();
                published |= changed;
            }
            finally
            {
                delivery.Complete(changed);
            }
        }

        // Lines of the open session only: the feed refuses an ended session's at the door; those already buffered are dropped here.
        while (_feed.TryReadLine(out var session, out var line))
        {
            delivered = true;
            if (session == _session)
            {
                StageLine(line);
            }
            else
            {
                Interlocked.Increment(ref _pushDropped);
            }
        }

        return ApplyBatch() | published;
    }

    /// <summary>Applies what is staged as one batch (owner thread); returns whether a change set was published.</summary>
    internal bool ApplyBatch()
    {
        var available = _session != 0;
        var now = _time.GetUtcNow().UtcTicks;
        var changes = Cache.Apply(available, now);
        if (!available) Edges.Clear();
        foreach (var key in Cache.KeysToRelease) Edges.RemoveAgent(key);

        Edges.Decay(now);
        var edgeChanges = changes.EdgeChanges.Length;
        if (Edges.TopologyChanged || Edges.WeightsChanged) Edges.CollectChanges(changes);
        if (changes.EdgeChanges.Length > edgeChanges || Edges.FlowsRecorded != _flowsPublished)
        {
            // Message flows are part of what the snapshot shows: a recorded flow, a new or faded edge is a change like an agent's.
            _flowsPublished = Edges.FlowsRecorded;
            Cache.MarkEdgesChanged();
        }

        Edges.ResetChangeFlags();

        Volatile.Write(ref _batches, _batches + 1);
        var publish = changes.HasChanges;
        if (publish)
        {
            Volatile.Write(ref _published, _published + 1);
            foreach (var consumer in Volatile.Read(ref _consumers))
            {
                try
                {
                    consumer(changes);
                }
                catch (Exception ex)
                {
                    ConsumerFailed(ex);
                }
            }
        }

        Cache.Admission.Observe(Cache.Count, Cache.Untracked, _isKnownAgent, now);

        // Ids of removed agents stay resolvable until every consumer has seen this batch.
        foreach (var key in Cache.KeysToRelease) Parser.Agents.Release(key);
        Cache.ClearKeysToRelease();
        if (Cache.SnapshotRequested)
        {
            var current = Cache.CurrentSnapshot;
            Cache.PublishSnapshot(current.Version == Cache.Version && current.Available == Cache.Available ? current : BuildSnapshot(now));
        }

        return publish;
    }

    /// <summary>Whether the cache holds <paramref name="agentId"/>, shown or beyond the limit (owner thread).</summary>
    private bool IsKnownAgent(string agentId)
    {
        Span<byte> utf8 = stackalloc byte[256];
        if (Encoding.UTF8.GetMaxByteCount(agentId.Length) > utf8.Length && Encoding.UTF8.GetByteCount(agentId) > utf8.Length)
        {
            return false;
        }

        var key = Parser.Agents.Find(utf8[..Encoding.UTF8.GetBytes(agentId, utf8)]);
        return key >= 0 && Cache.IsKnown(key);
    }

    /// <summary>A failing consumer must not stop the intake: counted, kept for diagnostics, and the next batch goes on.</summary>
    private void ConsumerFailed(Exception ex)
    {
        Volatile.Write(ref _consumerFailures, _consumerFailures + 1);
        LastConsumerError = ex;
    }

    /// <summary>Builds and publishes a snapshot now (owner thread only).</summary>
    internal AgentSnapshot PublishSnapshotNow()
    {
        var snapshot = BuildSnapshot(_time.GetUtcNow().UtcTicks);
        Cache.PublishSnapshot(snapshot);
        return snapshot;
    }

    /// <summary>Parses and stages one pushed line (owner thread; the ring's consumer, and the benchmarks' direct path).</summary>
    internal void StageLine(ReadOnlySpan<byte> line)
    {
        _lines++;
        var status = Parser.Parse(line, out var ev);
        if (status != TelemetryParseStatus.Ok)
        {
            Count(status);
            return;
        }

        _accepted++;
        switch (ev.Kind)
        {
            case TelemetryEventKind.MessageFlow:
                Edges.Record(new MessageFlow(ev.FromKey, ev.ToKey, ev.MessageTypeKey, ev.MessageSize, ev.TimestampUtcTicks));
                break;
            case TelemetryEventKind.Metrics:
                _metrics++;
                if (ev.MetricKey >= 0 && !double.IsNaN(ev.MetricValue))
                {
                    _metricCounts[ev.MetricKey]++;
                    _metricValues[ev.MetricKey] = ev.MetricValue;
                }

                break;
            case TelemetryEventKind.AgentTerminated:
                _membership.Forget(Parser.AgentId(ev.AgentKey));
                Cache.Stage(in ev);
                break;
            default:
                _membership.Apply(ref ev, Parser.AgentId(ev.AgentKey));
                Cache.Stage(in ev);
                break;
        }
    }

    private void StageListing(ReadOnlySpan<byte> json)
    {
        var status = Parser.ParseAgentList(json, _listSink);
        if (status == AgentListParseStatus.Ok)
        {
            _listsParsed++;
            Cache.BeginFullList();
        }
        else
        {
            // A listing that failed says nothing about the agents: what it staged is dropped (a new session that starts
            // with one still starts empty, since it is a full list).
            _listsFailed++;
            Cache.DiscardStaged();
        }
    }

    private void Count(TelemetryParseStatus status)
    {
        switch (status)
        {
            case TelemetryParseStatus.Malformed: _malformed++; break;
            case TelemetryParseStatus.UnknownType: _unknownType++; break;
            case TelemetryParseStatus.MissingField: _missingField++; break;
            case TelemetryParseStatus.IdTooLong: _idTooLong++; break;
            case TelemetryParseStatus.OverCapacity: _overCapacity++; break;
            case TelemetryParseStatus.UnknownAgent: _unknownAgent++; break;
        }
    }

    private AgentSnapshot BuildSnapshot(long nowTicks)
    {
        var keys = Cache.PresentKeys;
        var agents = new AgentInfo[keys.Length];
        for (var i = 0; i < keys.Length; i++) agents[i] = Describe(keys[i]);

        Array.Sort(agents, static (x, y) => string.CompareOrdinal(x.Id, y.Id));
        var edges = new List<AgentEdgeInfo>(Edges.EdgeCount);
        for (var i = 0; i < Edges.EdgeCount; i++)
        {
            var (a, b, weight, messages, bytes) = Edges.EdgeAt(i);
            if (Cache.IsPresent(a) && Cache.IsPresent(b)) edges.Add(new AgentEdgeInfo(Parser.AgentId(a), Parser.AgentId(b), weight, messages, bytes));
        }

        var flows = new MessageFlowInfo[Edges.HistoryCount];
        var firstSequence = Edges.FlowsRecorded - flows.Length;
        for (var i = 0; i < flows.Length; i++)
        {
            var f = Edges.HistoryAt(i);
            var sequence = firstSequence + i;
            var slot = (int)(sequence % _flowInfos.Length);

            // Same flow as last time (a removed agent's flows are rewritten in the history, so they differ and are rebuilt).
            if (_flowSequences[slot] == sequence && _flowSources[slot] == f && _flowInfos[slot] is { } known)
            {
                flows[i] = known;
                continue;
            }

            flows[i] = _flowInfos[slot] = new MessageFlowInfo(
                f.FromKey >= 0 ? Parser.AgentId(f.FromKey) : string.Empty, f.ToKey >= 0 ? Parser.AgentId(f.ToKey) : string.Empty,
                Parser.Label(f.MessageTypeKey), f.Size, f.TimestampUtcTicks > 0 ? new DateTimeOffset(f.TimestampUtcTicks, TimeSpan.Zero) : null);
            _flowSources[slot] = f;
            _flowSequences[slot] = sequence;
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var key = 0; key < _metricCounts.Length; key++)
        {
            if (_metricCounts[key] > 0) metrics[Parser.Label(key)] = _metricValues[key];
        }

        return new AgentSnapshot(
            Cache.Version, Cache.Available, Cache.MaxAgents, agents, edges, new DateTimeOffset(nowTicks, TimeSpan.Zero), flows, metrics,
            Cache.RejectedOverLimit, Cache.Untracked);
    }

    private AgentInfo Describe(int key)
    {
        ref readonly var s = ref Cache.StateOf(key);
        var known = s.Known;
        return new AgentInfo(
            Parser.AgentId(key), NodeIds.Agent(key), Known(known, TelemetryFields.Type, s.TypeKey), Known(known, TelemetryFields.Status, s.StatusKey),
            (known & TelemetryFields.CpuUsage) != 0 ? s.CpuUsage : null,
            (known & TelemetryFields.MemoryUsage) != 0 ? s.MemoryUsage : null,
            (known & TelemetryFields.TasksActive) != 0 ? s.TasksActive : null,
            (known & TelemetryFields.TokensUsed) != 0 ? s.TokensUsed : null,
            Known(known, TelemetryFields.Swarm, s.SwarmKey),
            new DateTimeOffset(s.LastSeenTicks, TimeSpan.Zero),
            s.TelemetryTicks > 0 ? new DateTimeOffset(s.TelemetryTicks, TimeSpan.Zero) : null,
            s.Stale,
            (known & TelemetryFields.Health) != 0 ? s.Health : null,
            (known & TelemetryFields.CreatedAt) != 0 ? new DateTimeOffset(s.CreatedAtTicks, TimeSpan.Zero) : null,
            Known(known, TelemetryFields.Model, s.ModelKey));
    }

    /// <summary>A label the peer reported, or null when it never did (an empty label is unknown too).</summary>
    private string? Known(TelemetryFields known, TelemetryFields field, int labelKey) =>
        (known & field) != 0 && labelKey >= 0 && Parser.Label(labelKey) is { Length: > 0 } label ? label : null;

    private sealed class ListSink(TelemetryIntake owner) : ITelemetryEventSink
    {
        public void OnEvent(in TelemetryEvent telemetryEvent)
        {
            owner._accepted++;
            var ev = telemetryEvent;
            owner._membership.Apply(ref ev, owner.Parser.AgentId(ev.AgentKey));
            owner.Cache.Stage(in ev);
        }

        public void OnRejected(TelemetryParseStatus status)
        {
            owner._listRejected++;
            owner.Count(status);
        }
    }
}

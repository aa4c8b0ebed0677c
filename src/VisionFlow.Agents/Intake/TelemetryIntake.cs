using VisionFlow.Agents.Cache;
using VisionFlow.Agents.Flows;
using VisionFlow.Agents.Graph;
using VisionFlow.Agents.Telemetry;

namespace VisionFlow.Agents.Intake;

/// <summary>
/// The single owner of agent state. Design: one loop (<see cref="RunAsync"/>) wakes once per interval on a
/// <see cref="PeriodicTimer"/> driven by the <see cref="TimeProvider"/>, pulls the interval's input from the source
/// (push lines were parked by producers in a bounded lock-free-for-the-reader byte ring; a poll is awaited), parses and
/// stages it (coalescing per agent, last write wins per field), applies the batch to the cache once, updates edges and
/// the agent graph, and publishes a reused change set only when something changed. Parser, cache, edges and agent graph
/// are touched by this loop alone, so none of them lock; readers get immutable snapshots.
/// </summary>
public sealed class TelemetryIntake : ITelemetryBatchSink
{
    private readonly ITelemetrySource _source;
    private readonly TimeProvider _time;
    private readonly AgentTelemetryOptions _options;
    private readonly double[] _metricValues;
    private readonly long[] _metricCounts;

    // The history's flows as published, by slot (sequence % capacity): a snapshot reuses the ones it already built, so
    // ten snapshots a second allocate only the flows that are new, not all 1,024 every time.
    private readonly MessageFlowInfo?[] _flowInfos;
    private readonly MessageFlow[] _flowSources;
    private readonly long[] _flowSequences;
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
    private int _running;
    private readonly ListSink _listSink;

    /// <summary>Creates the intake; <paramref name="agentGraph"/> receives agent nodes and edges (a fresh model when null).</summary>
    public TelemetryIntake(ITelemetrySource source, AgentTelemetryOptions options, TimeProvider timeProvider, GraphModel? agentGraph = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        _source = source;
        _options = options;
        _time = timeProvider;
        const int labelCapacity = 1024;
        Parser = new TelemetryParser(options.KeyCapacity, labelCapacity, options.MaxIdBytes);
        Cache = new AgentCache(options.KeyCapacity, options.MaxAgents, options.StaleAfterIntervals, options.RemoveAfterIntervals);
        Edges = new MessageFlowEdges(options.FlowHistoryCapacity, options.MaxEdges, options.EdgeHalfLife, options.EdgeWeightFloor);
        _flowInfos = new MessageFlowInfo?[options.FlowHistoryCapacity];
        _flowSources = new MessageFlow[options.FlowHistoryCapacity];
        _flowSequences = new long[options.FlowHistoryCapacity];
        Array.Fill(_flowSequences, -1);
        AgentGraph = agentGraph ?? new GraphModel();
        _metricValues = new double[labelCapacity];
        _metricCounts = new long[labelCapacity];
        _listSink = new ListSink(this);
    }

    /// <summary>The agent cache (read side: snapshots, count, spawn admission).</summary>
    public AgentCache Cache { get; }

    /// <summary>The parser and its id tables (owner thread only).</summary>
    public TelemetryParser Parser { get; }

    /// <summary>Message-flow edges (owner thread only).</summary>
    public MessageFlowEdges Edges { get; }

    /// <summary>The agent graph (owner thread only; observe <see cref="GraphModel.Changed"/>).</summary>
    public GraphModel AgentGraph { get; }

    /// <summary>Called on the owner thread after each batch that changed something; read the set before returning.</summary>
    public Action<AgentChangeSet>? ChangesApplied { get; set; }

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

    /// <summary>Runs one batch per interval until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0) throw new InvalidOperationException("the telemetry intake is already running");
        try
        {
            using var timer = new PeriodicTimer(_options.Interval, _time);
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await ProcessBatchAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>Collects, applies and publishes one batch; returns whether a change set was published.</summary>
    public async ValueTask<bool> ProcessBatchAsync(CancellationToken cancellationToken = default)
    {
        var available = await _source.CollectAsync(this, cancellationToken).ConfigureAwait(false);
        return ApplyBatch(available);
    }

    internal bool ApplyBatch(bool available)
    {
        var now = _time.GetUtcNow().UtcTicks;
        var changes = Cache.Apply(available, now);
        if (!available) Edges.Clear();
        foreach (var key in Cache.KeysToRelease) Edges.RemoveAgent(key);

        Edges.Decay(now);
        try
        {
            // The graph commits its own state before it calls its observers, so a throwing observer leaves it consistent.
            UpdateGraph(changes);
        }
        catch (Exception ex)
        {
            ConsumerFailed(ex);
        }

        Volatile.Write(ref _batches, _batches + 1);
        var publish = changes.HasChanges;
        if (publish)
        {
            Volatile.Write(ref _published, _published + 1);
            try
            {
                ChangesApplied?.Invoke(changes);
            }
            catch (Exception ex)
            {
                ConsumerFailed(ex);
            }
        }

        // Ids of removed agents stay resolvable until every consumer has seen this batch.
        foreach (var key in Cache.KeysToRelease) Parser.Agents.Release(key);
        if (Cache.SnapshotRequested)
        {
            var current = Cache.CurrentSnapshot;
            Cache.PublishSnapshot(current.Version == Cache.Version && current.Available == Cache.Available ? current : BuildSnapshot(now));
        }

        return publish;
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

    /// <inheritdoc />
    void ITelemetryBatchSink.OnLine(ReadOnlySpan<byte> line)
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
            default:
                Cache.Stage(in ev);
                break;
        }
    }

    /// <inheritdoc />
    void ITelemetryBatchSink.OnAgentList(ReadOnlySpan<byte> json)
    {
        var status = Parser.ParseAgentList(json, _listSink);
        if (status == AgentListParseStatus.Ok)
        {
            _listsParsed++;
            Cache.BeginFullList();
        }
        else
        {
            _listsFailed++;
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

    private void UpdateGraph(AgentChangeSet changes)
    {
        var graph = AgentGraph;
        foreach (var key in changes.Removed) graph.RemoveNode(NodeIds.Agent(key));
        foreach (var key in changes.Added) graph.AddNode(NodeIds.Agent(key));
        for (var i = 0; i < Edges.FreedCount; i++)
        {
            var (a, b) = Edges.FreedAt(i);
            graph.RemoveEdge(NodeIds.Agent(a), NodeIds.Agent(b));
        }

        if (Edges.TopologyChanged || Edges.WeightsChanged || changes.TopologyChanged)
        {
            for (var i = 0; i < Edges.EdgeCount; i++)
            {
                var (a, b, weight, _, _) = Edges.EdgeAt(i);
                graph.SetEdge(NodeIds.Agent(a), NodeIds.Agent(b), (float)weight);
            }
        }

        Edges.ResetChangeFlags();
        graph.Commit();
    }

    private AgentSnapshot BuildSnapshot(long nowTicks)
    {
        var keys = Cache.PresentKeys;
        var agents = new AgentInfo[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            var key = keys[i];
            ref readonly var s = ref Cache.StateOf(key);
            agents[i] = new AgentInfo(
                Parser.AgentId(key), NodeIds.Agent(key), Parser.Label(s.TypeKey), Parser.Label(s.StatusKey),
                s.CpuUsage, s.MemoryUsage, s.TasksActive, s.TokensUsed, Parser.Label(s.SwarmKey),
                new DateTimeOffset(s.LastSeenTicks, TimeSpan.Zero),
                s.TelemetryTicks > 0 ? new DateTimeOffset(s.TelemetryTicks, TimeSpan.Zero) : null,
                s.Stale);
        }

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
            Cache.Version, Cache.Available, Cache.MaxAgents, agents, edges, new DateTimeOffset(nowTicks, TimeSpan.Zero), flows, metrics, Cache.RejectedOverLimit);
    }

    private sealed class ListSink(TelemetryIntake owner) : ITelemetryEventSink
    {
        public void OnEvent(in TelemetryEvent telemetryEvent)
        {
            owner._accepted++;
            owner.Cache.Stage(in telemetryEvent);
        }

        public void OnRejected(TelemetryParseStatus status)
        {
            owner._listRejected++;
            owner.Count(status);
        }
    }
}

using Microsoft.Extensions.Logging;
using VisionFlow.Agents;
using VisionFlow.Connections.Failures;
using VisionFlow.Connections.Link;
using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Server.Structure;

/// <summary>
/// The one owner of the server's swarm and task structure: reads it through the MCP link (Claude Flow's
/// <c>task_list</c> and <c>swarm_status</c>, the plain dialect's equivalents) at a declared interval while the link is
/// connected and at once after a command that changes it, keeps it as an immutable <see cref="Snapshot"/> with a
/// <see cref="Version"/>, and publishes what each read changed (<see cref="Changed"/>). REST answers from it; the graph
/// draws its hubs from it; whoever streams or records it subscribes.
/// </summary>
/// <remarks>
/// One loop reads, so reads never overlap and the change sets come in order. While the link is down nothing is read and
/// nothing is known: the snapshot empties (its removals published) and the loop sleeps until the link or a caller wakes
/// it; an idle, disconnected box does nothing. A read that fails keeps what was last read in the session and says why.
/// While connected reads that find nothing new come further apart, the period doubling up to <see cref="MaxBackoff"/>
/// times the interval, and the first read that finds a change (or a command's) brings it back: a real Claude Flow spends
/// a few hundred milliseconds of CPU on each <c>task_list</c> and <c>swarm_status</c> once it has stored a few swarms, so
/// reading an unchanging structure every two seconds cost it a sixth of a core (bench/README "claude-flow CPU").
/// </remarks>
internal sealed partial class StructureTracker : IAsyncDisposable
{
    /// <summary>Swarms read one by one at most per read (Claude Flow lists none: each is a <c>swarm_status</c>).</summary>
    internal const int MaxSwarmLookups = 32;

    private static readonly HashSet<string> Ended = new(StringComparer.OrdinalIgnoreCase) { "terminated", "shutdown", "destroyed", "dissolved", "stopped" };

    private readonly McpLink _link;
    private readonly Func<IEnumerable<string>> _agentSwarms;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly WakeSignal _wake = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _ours = new(StringComparer.Ordinal);
    private TaskCompletionSource<StructureSnapshot>? _waiters;
    private StructureSnapshot _snapshot = StructureSnapshot.Empty;
    private Task _loop = Task.CompletedTask;
    private long _oursSession;
    private long _reads;
    private long _consumerFailures;
    private int _state; // 0 created, 1 started, 2 disposed
    private TimeSpan _period = Timeout.InfiniteTimeSpan; // the timer's, under _gate: the interval, stretched while nothing changes

    /// <summary>How many intervals apart reads that keep finding nothing new may come.</summary>
    internal const int MaxBackoff = 8;

    /// <param name="link">The link it reads through.</param>
    /// <param name="agentSwarms">The swarm ids the live agents name (read too: Claude Flow answers only its newest swarm).</param>
    /// <param name="interval">How often it reads while connected (<c>VISIONFLOW_STRUCTURE_POLL_INTERVAL</c>).</param>
    /// <param name="time">The clock of the interval.</param>
    /// <param name="logger">Where failed reads are reported (once per kind in a row).</param>
    public StructureTracker(McpLink link, Func<IEnumerable<string>> agentSwarms, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _link = link;
        _agentSwarms = agentSwarms;
        _interval = interval;
        _logger = logger;
        _timer = time.CreateTimer(static s => ((WakeSignal)s!).Set(), _wake, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Raised on the tracker's loop after each read that changed something (exceptions are counted, never propagated).</summary>
    public event Action<StructureChanges>? Changed;

    /// <summary>The structure as last read.</summary>
    public StructureSnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>The version of <see cref="Snapshot"/>.</summary>
    public long Version => Snapshot.Version;

    /// <summary>Reads made so far.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>The period of the reads now (infinite while disconnected).</summary>
    internal TimeSpan Period
    {
        get
        {
            lock (_gate)
            {
                return _period;
            }
        }
    }

    /// <summary>Exceptions thrown by <see cref="Changed"/> handlers.</summary>
    public long ConsumerFailures => Interlocked.Read(ref _consumerFailures);

    /// <summary>Starts reading (with the link's first session). Idempotent.</summary>
    public void Start()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            return;
        }

        _link.StatusChanged += OnLinkStatus;
        _loop = Task.Run(LoopAsync);
        OnLinkStatus(_link.Status);
    }

    /// <summary>
    /// A swarm our command made in <paramref name="session"/>: read by id from now on, also when no agent names it
    /// (a swarm initialized without agents) and the server would list only a newer one.
    /// </summary>
    public void RememberSwarm(long session, string swarmId)
    {
        ArgumentException.ThrowIfNullOrEmpty(swarmId);
        lock (_gate)
        {
            if (session != _oursSession)
            {
                _ours.Clear();
                _oursSession = session;
            }

            _ours.Add(swarmId);
        }
    }

    /// <summary>
    /// Reads now (after any read in progress) and completes with the snapshot it produced: after a command, what shows
    /// next is what the server now has. Several callers at once share one read.
    /// </summary>
    public Task<StructureSnapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        Task<StructureSnapshot> read;
        lock (_gate)
        {
            _waiters ??= new TaskCompletionSource<StructureSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
            read = _waiters.Task;
        }

        _wake.Set();
        return read.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The snapshot of the open session, read at once when it has none yet (a reader right after a connect, or while the
    /// link is down, gets what a read gets: the structure, or why there is none).
    /// </summary>
    public Task<StructureSnapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var snapshot = Snapshot;
        var status = _link.Status;
        return status.State == McpLinkState.Connected && snapshot.Session == status.Session && snapshot.ReadAt is not null
            ? Task.FromResult(snapshot)
            : RefreshAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        var was = Interlocked.Exchange(ref _state, 2);
        if (was == 2)
        {
            return;
        }

        if (was == 1)
        {
            _link.StatusChanged -= OnLinkStatus;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _timer.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        lock (_gate)
        {
            _waiters?.TrySetCanceled();
        }

        _stopping.Dispose();
    }

    private void OnLinkStatus(McpLinkStatus status)
    {
        // The interval runs only while connected: a disconnected box does nothing but wait for the next session.
        SetPeriod(status.State == McpLinkState.Connected ? _interval : Timeout.InfiniteTimeSpan);
        _wake.Set();
    }

    /// <summary>After a read: back to the interval when it found a change (or a caller asked), else twice as far apart, up to the bound.</summary>
    private void Paced(bool changed)
    {
        lock (_gate)
        {
            if (_period == Timeout.InfiniteTimeSpan || _link.Status.State != McpLinkState.Connected) return; // down: nothing runs
            var next = changed ? _interval : TimeSpan.FromTicks(Math.Min(_period.Ticks * 2, _interval.Ticks * MaxBackoff));
            SetPeriod_NeedsLock(next);
        }
    }

    private void SetPeriod(TimeSpan period)
    {
        lock (_gate)
        {
            SetPeriod_NeedsLock(period);
        }
    }

    private void SetPeriod_NeedsLock(TimeSpan period)
    {
        if (Volatile.Read(ref _state) != 1 || period == _period) return;
        _period = period;
        _timer.Change(period, period);
    }

    private async Task LoopAsync()
    {
        var stop = _stopping.Token;
        McpFailureKind? reported = null;
        while (true)
        {
            await _wake.WaitAsync(stop).ConfigureAwait(false);
            TaskCompletionSource<StructureSnapshot>? waiters;
            lock (_gate)
            {
                waiters = _waiters;
                _waiters = null;
            }

            var status = _link.Status;
            var last = Snapshot;
            StructureSnapshot next;
            if (status.State != McpLinkState.Connected && waiters is null)
            {
                // No session, nobody asking: nothing is known (never show the last session's structure as live).
                next = last.Session == 0 && last.ReadAt is null ? last : StructureSnapshot.Empty with { Version = last.Version };
            }
            else
            {
                try
                {
                    next = await ReadAsync(status.Session, last, stop).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stop.IsCancellationRequested)
                {
                    // A defect, not a failure of the server (those are kept in the snapshot): said once, and the loop goes on.
                    LogReadDefect(_logger, ex);
                    waiters?.TrySetResult(last);
                    continue;
                }

                Interlocked.Increment(ref _reads);
                var failure = next.TasksError ?? next.SwarmsError;
                var kind = failure is null ? (McpFailureKind?)null : FailureClassifier.Classify(failure).Kind;
                if (kind is { } k && k != reported && k is not McpFailureKind.NotOffered and not McpFailureKind.LinkDown)
                {
                    LogReadFailed(_logger, FailureClassifier.Classify(failure!).KindName, failure!.Message);
                }

                reported = kind;
            }

            next = Publish(last, next);
            Paced(changed: next.Version != last.Version || waiters is not null);
            waiters?.TrySetResult(next);
        }
    }

    /// <summary>One read of both listings; a part that fails keeps what the session last read of it and says why.</summary>
    private async Task<StructureSnapshot> ReadAsync(long session, StructureSnapshot last, CancellationToken stop)
    {
        var same = session > 0 && last.Session == session;
        var tasks = await ReadPartAsync(
            same, (last.Tasks, last.TaskTotal, last.TasksListed, last.TasksError),
            static (c, _, t) => c.ListTasksAsync(t), (object?)null, stop).ConfigureAwait(false);
        var known = KnownSwarms(session, same ? last.Swarms : []);
        var swarms = await ReadPartAsync(
            same, (last.Swarms, last.SwarmTotal, last.SwarmsListed, last.SwarmsError),
            static (c, k, t) => c.ListSwarmsAsync(k, t), known, stop).ConfigureAwait(false);
        return new StructureSnapshot(last.Version, _link.Status.Session == session ? session : 0, swarms.Items, swarms.Total, swarms.Listed, swarms.Error,
            tasks.Items, tasks.Total, tasks.Listed, tasks.Error, _link.Time.GetUtcNow());
    }

    /// <summary>
    /// One listing: read through the link, or on failure what the session last read of it and why it failed. One the server
    /// does not offer is not asked again in the session (its tools do not change within one).
    /// </summary>
    private async Task<(IReadOnlyList<T> Items, int? Total, bool Listed, Exception? Error)> ReadPartAsync<T, TState>(
        bool sameSession, (IReadOnlyList<T> Items, int? Total, bool Listed, Exception? Error) last,
        Func<ISwarmClient, TState, CancellationToken, ValueTask<(IReadOnlyList<T>, int?)>> read, TState state, CancellationToken stop)
    {
        (IReadOnlyList<T> Items, int? Total, bool Listed) kept = sameSession ? (last.Items, last.Total, last.Listed) : ([], null, false);
        if (sameSession && NotOffered(last.Error))
        {
            return (kept.Items, kept.Total, kept.Listed, last.Error);
        }

        try
        {
            var (items, total) = await _link.ExecuteAsync((c, t) => read(c, state, t), stop).ConfigureAwait(false);
            return (items, total, true, null);
        }
        catch (Exception ex) when (FailureClassifier.Classify(ex) is { IsExpected: true, Kind: not McpFailureKind.Cancelled })
        {
            return (kept.Items, kept.Total, kept.Listed, ex);
        }
    }

    private static bool NotOffered(Exception? error) => error is not null && FailureClassifier.Classify(error).Kind == McpFailureKind.NotOffered;

    /// <summary>The swarms to read by id: ours, those the live agents name, and those the last read showed still running.</summary>
    private List<string> KnownSwarms(long session, IReadOnlyList<SwarmInfo> shown)
    {
        var known = new List<string>(MaxSwarmLookups);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string? id)
        {
            if (known.Count < MaxSwarmLookups && !string.IsNullOrEmpty(id) && seen.Add(id))
            {
                known.Add(id);
            }
        }

        lock (_gate)
        {
            if (_oursSession == session)
            {
                foreach (var id in _ours) Add(id);
            }
        }

        foreach (var id in _agentSwarms()) Add(id);
        foreach (var swarm in shown)
        {
            if (swarm.Status is null || !Ended.Contains(swarm.Status)) Add(swarm.Id);
        }

        return known;
    }

    /// <summary>Makes <paramref name="next"/> current; when it differs from <paramref name="last"/>, with a new version and its change set.</summary>
    private StructureSnapshot Publish(StructureSnapshot last, StructureSnapshot next)
    {
        var swarms = Diff(last.Swarms, next.Swarms, static s => s.Id, SameSwarm);
        var tasks = Diff(last.Tasks, next.Tasks, static t => t.Id, SameTask);
        var changed = swarms.HasChanges || tasks.HasChanges;
        next = next with { Version = changed ? last.Version + 1 : last.Version };
        Volatile.Write(ref _snapshot, next);
        if (changed)
        {
            try
            {
                Changed?.Invoke(new StructureChanges(next, swarms, tasks));
            }
#pragma warning disable CA1031 // a failing consumer must not stop the tracker: counted, and the next read goes on
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _consumerFailures);
                LogConsumerFailed(_logger, ex);
            }
        }

        return next;
    }

    internal static KeyedChanges<T> Diff<T>(IReadOnlyList<T> before, IReadOnlyList<T> after, Func<T, string> id, Func<T, T, bool> same)
    {
        var old = new Dictionary<string, T>(before.Count, StringComparer.Ordinal);
        foreach (var item in before) old.TryAdd(id(item), item);
        List<T>? added = null, updated = null;
        var present = new HashSet<string>(after.Count, StringComparer.Ordinal);
        foreach (var item in after)
        {
            var key = id(item);
            if (!present.Add(key))
            {
                continue; // a listing that names an item twice: the first stands
            }

            if (!old.TryGetValue(key, out var was)) (added ??= []).Add(item);
            else if (!same(was, item)) (updated ??= []).Add(item);
        }

        List<string>? removed = null;
        foreach (var key in old.Keys)
        {
            if (!present.Contains(key)) (removed ??= []).Add(key);
        }

        return new KeyedChanges<T>(added ?? [], updated ?? [], removed ?? []);
    }

    internal static bool SameSwarm(SwarmInfo a, SwarmInfo b) =>
        a with { AgentIds = null, Agents = null } == b with { AgentIds = null, Agents = null } && SameList(a.AgentIds, b.AgentIds);

    internal static bool SameTask(TaskSummary a, TaskSummary b) =>
        a with { AssignedTo = [] } == b with { AssignedTo = [] } && SameList(a.AssignedTo, b.AssignedTo);

    private static bool SameList(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.SequenceEqual(b, StringComparer.Ordinal));

    [LoggerMessage(EventId = 2460, Level = LogLevel.Warning, Message = "Reading the MCP server's swarms and tasks failed ({Kind}): {Error}; the last read is kept")]
    private static partial void LogReadFailed(ILogger logger, string kind, string error);

    [LoggerMessage(EventId = 2462, Level = LogLevel.Error, Message = "Reading the MCP server's swarms and tasks failed unexpectedly; the last read is kept")]
    private static partial void LogReadDefect(ILogger logger, Exception error);

    [LoggerMessage(EventId = 2461, Level = LogLevel.Warning, Message = "A consumer of swarm and task changes failed; the tracker goes on")]
    private static partial void LogConsumerFailed(ILogger logger, Exception error);
}

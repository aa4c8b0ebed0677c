using VisionFlow.Agents.Telemetry;

namespace VisionFlow.Agents.Cache;

/// <summary>
/// The agent cache. Mutated only by its owner (the intake loop): events are staged and coalesced per agent
/// (last write wins per field), then applied once per batch into the reused <see cref="AgentChangeSet"/>.
/// A status for an agent not yet known adds it (as a poll would); a terminated event or status removes it.
/// Readers use <see cref="Snapshot"/>/<see cref="GetSnapshotAsync"/>, <see cref="Count"/> and <see cref="CheckSpawn"/>,
/// which read published values only.
/// </summary>
public sealed class AgentCache
{
    private readonly int _maxAgents;
    private readonly int _staleAfter;
    private readonly int _removeAfter;
    private readonly AgentState[] _state;
    private readonly PendingState[] _pending;
    private readonly int[] _touched;
    private readonly int[] _present;
    private readonly int[] _presentIndex;
    private readonly int[] _release;
    private readonly AgentChangeSet _changes;
    private int _touchedCount;
    private int _presentCount;
    private int _releaseCount;
    private bool _fullList;
    private long _batch;
    private long _version;
    private bool _available;
    private long _rejectedOverLimit;
    private volatile int _publishedCount;
    private volatile bool _publishedAvailable;
    private long _publishedVersion;
    private volatile AgentSnapshot _snapshot;
    private volatile int _snapshotDemand;
    private TaskCompletionSource<AgentSnapshot>? _snapshotWaiters;
    private readonly Lock _waitersLock = new();

    internal AgentCache(int keyCapacity, int maxAgents, int staleAfterIntervals, int removeAfterIntervals)
    {
        _maxAgents = maxAgents;
        _staleAfter = staleAfterIntervals;
        _removeAfter = removeAfterIntervals;
        _state = new AgentState[keyCapacity];
        _pending = new PendingState[keyCapacity];
        _touched = new int[keyCapacity];
        _present = new int[keyCapacity];
        _presentIndex = new int[keyCapacity];
        _release = new int[keyCapacity];
        _changes = new AgentChangeSet(keyCapacity);
        _snapshot = AgentSnapshot.Unavailable(maxAgents);
    }

    /// <summary>MCP_MAX_AGENTS.</summary>
    public int MaxAgents => _maxAgents;

    /// <summary>Agents in the cache after the last batch.</summary>
    public int Count => _publishedCount;

    /// <summary>Whether the telemetry source was available at the last batch.</summary>
    public bool IsAvailable => _publishedAvailable;

    /// <summary>Cache version after the last batch (bumps only when something changed).</summary>
    public long Version => Volatile.Read(ref _publishedVersion);

    /// <summary>Agents refused because the cache was at MCP_MAX_AGENTS (or the id table was full).</summary>
    public long RejectedOverLimit => Volatile.Read(ref _rejectedOverLimit);

    /// <summary>The latest built snapshot; reading it asks the owner to build a fresh one at the next batch if stale.</summary>
    public AgentSnapshot Snapshot
    {
        get
        {
            var snapshot = _snapshot;
            if (snapshot.Version != Version) _snapshotDemand = 1;
            return snapshot;
        }
    }

    /// <summary>A snapshot at least as new as the current version: returns at once when fresh, otherwise after the next batch.</summary>
    public Task<AgentSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = _snapshot;
        if (snapshot.Version == Version) return Task.FromResult(snapshot);
        Task<AgentSnapshot> task;
        lock (_waitersLock)
        {
            _snapshotWaiters ??= new TaskCompletionSource<AgentSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
            task = _snapshotWaiters.Task;
        }

        _snapshotDemand = 1;
        return task.WaitAsync(cancellationToken);
    }

    /// <summary>The check the REST layer uses before spawning: refuses with a clear message beyond MCP_MAX_AGENTS.</summary>
    public SpawnAdmission CheckSpawn(int requested = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(requested, 1);
        return SpawnAdmission.Check(_publishedCount, requested, _maxAgents);
    }

    internal AgentChangeSet Changes => _changes;

    internal ReadOnlySpan<int> PresentKeys => _present.AsSpan(0, _presentCount);

    internal ReadOnlySpan<int> KeysToRelease => _release.AsSpan(0, _releaseCount);

    internal bool IsPresent(int key) => (uint)key < (uint)_state.Length && _state[key].Present;

    internal ref readonly AgentState StateOf(int key) => ref _state[key];

    internal bool SnapshotRequested => _snapshotDemand != 0 || _snapshotWaiters is not null;

    /// <summary>Marks the batch being staged as a complete agent list: agents it does not mention are removed.</summary>
    internal void BeginFullList() => _fullList = true;

    internal void Stage(in TelemetryEvent ev)
    {
        var key = ev.AgentKey;
        if ((uint)key >= (uint)_pending.Length) return;
        ref var p = ref _pending[key];
        if (!p.Touched)
        {
            p.Touched = true;
            _touched[_touchedCount++] = key;
        }

        if (ev.Kind == TelemetryEventKind.AgentTerminated)
        {
            p.Remove = true;
            p.Listed = false;
            p.Fields = TelemetryFields.None;
            return;
        }

        p.Remove = false;
        p.Listed |= ev.Kind == TelemetryEventKind.AgentListed;
        p.Fields |= ev.Fields;
        var incoming = new AgentState
        {
            TypeKey = ev.TypeKey,
            StatusKey = ev.StatusKey,
            SwarmKey = ev.SwarmKey,
            CpuUsage = ev.CpuUsage,
            MemoryUsage = ev.MemoryUsage,
            TasksActive = ev.TasksActive,
            TokensUsed = ev.TokensUsed,
            TelemetryTicks = ev.TimestampUtcTicks,
        };
        CopyFields(ref p.Value, in incoming, ev.Fields);
    }

    /// <summary>Applies everything staged since the last batch; returns the change set (check <see cref="AgentChangeSet.HasChanges"/>).</summary>
    internal AgentChangeSet Apply(bool available, long nowUtcTicks)
    {
        _changes.Clear();
        _releaseCount = 0;
        _batch++;
        if (available != _available)
        {
            _available = available;
            _changes.AvailabilityChanged = true;
        }

        if (!available)
        {
            // No source, no agents: drop what was staged and everything held (never show stale data as live).
            for (var i = 0; i < _touchedCount; i++)
            {
                var key = _touched[i];
                _pending[key] = default;
                if (!_state[key].Present) _release[_releaseCount++] = key;
            }

            _touchedCount = 0;
            _fullList = false;
            for (var i = _presentCount - 1; i >= 0; i--) RemovePresent(_present[i]);
            return Publish();
        }

        for (var i = 0; i < _touchedCount; i++)
        {
            var key = _touched[i];
            ref var p = ref _pending[key];
            ref var s = ref _state[key];
            if (p.Remove)
            {
                if (s.Present) RemovePresent(key);
                else _release[_releaseCount++] = key;
            }
            else if (!s.Present)
            {
                if (_presentCount >= _maxAgents)
                {
                    _rejectedOverLimit++;
                    _release[_releaseCount++] = key;
                }
                else
                {
                    s = default;
                    s.TypeKey = s.StatusKey = s.SwarmKey = -1;
                    Merge(ref s, in p);
                    s.Present = true;
                    s.LastSeenBatch = _batch;
                    s.LastSeenTicks = nowUtcTicks;
                    _presentIndex[key] = _presentCount;
                    _present[_presentCount++] = key;
                    _changes.AddAdded(key);
                }
            }
            else
            {
                var changed = Merge(ref s, in p);
                if (s.Stale)
                {
                    s.Stale = false;
                    changed = true;
                }

                s.LastSeenBatch = _batch;
                s.LastSeenTicks = nowUtcTicks;
                if (changed) _changes.AddUpdated(key);
            }
        }

        if (_fullList)
        {
            for (var i = _presentCount - 1; i >= 0; i--)
            {
                var key = _present[i];
                if (!_pending[key].Listed) RemovePresent(key);
            }
        }

        for (var i = 0; i < _touchedCount; i++) _pending[_touched[i]] = default;
        _touchedCount = 0;
        _fullList = false;

        for (var i = _presentCount - 1; i >= 0; i--)
        {
            var key = _present[i];
            ref var s = ref _state[key];
            var silent = _batch - s.LastSeenBatch;
            if (silent >= _removeAfter) RemovePresent(key);
            else if (silent >= _staleAfter && !s.Stale)
            {
                s.Stale = true;
                _changes.AddUpdated(key);
            }
        }

        return Publish();
    }

    internal void PublishSnapshot(AgentSnapshot snapshot)
    {
        _snapshot = snapshot;
        _snapshotDemand = 0;
        TaskCompletionSource<AgentSnapshot>? waiters;
        lock (_waitersLock)
        {
            waiters = _snapshotWaiters;
            _snapshotWaiters = null;
        }

        waiters?.TrySetResult(snapshot);
    }

    internal bool Available => _available;

    internal AgentSnapshot CurrentSnapshot => _snapshot;

    private AgentChangeSet Publish()
    {
        if (_changes.HasChanges) _version++;
        _changes.Version = _version;
        _publishedCount = _presentCount;
        _publishedAvailable = _available;
        Volatile.Write(ref _publishedVersion, _version);
        return _changes;
    }

    private void RemovePresent(int key)
    {
        var index = _presentIndex[key];
        var last = _present[--_presentCount];
        _present[index] = last;
        _presentIndex[last] = index;
        _state[key] = default;
        _changes.AddRemoved(key);
        _release[_releaseCount++] = key;
    }

    /// <summary>Last write wins per field: copies the fields named in <paramref name="fields"/>.</summary>
    private static void CopyFields(ref AgentState target, in AgentState source, TelemetryFields fields)
    {
        if ((fields & TelemetryFields.Type) != 0) target.TypeKey = source.TypeKey;
        if ((fields & TelemetryFields.Status) != 0) target.StatusKey = source.StatusKey;
        if ((fields & TelemetryFields.Swarm) != 0) target.SwarmKey = source.SwarmKey;
        if ((fields & TelemetryFields.CpuUsage) != 0) target.CpuUsage = source.CpuUsage;
        if ((fields & TelemetryFields.MemoryUsage) != 0) target.MemoryUsage = source.MemoryUsage;
        if ((fields & TelemetryFields.TasksActive) != 0) target.TasksActive = source.TasksActive;
        if ((fields & TelemetryFields.TokensUsed) != 0) target.TokensUsed = source.TokensUsed;
        if ((fields & TelemetryFields.Timestamp) != 0) target.TelemetryTicks = source.TelemetryTicks;
    }

    private static bool Merge(ref AgentState s, in PendingState p)
    {
        var before = s;
        CopyFields(ref s, in p.Value, p.Fields);
        return s.TypeKey != before.TypeKey || s.StatusKey != before.StatusKey || s.SwarmKey != before.SwarmKey
            || s.CpuUsage != before.CpuUsage || s.MemoryUsage != before.MemoryUsage || s.TasksActive != before.TasksActive
            || s.TokensUsed != before.TokensUsed;
    }

    internal struct AgentState
    {
        public bool Present;
        public bool Stale;
        public int TypeKey;
        public int StatusKey;
        public int SwarmKey;
        public float CpuUsage;
        public float MemoryUsage;
        public int TasksActive;
        public long TokensUsed;
        public long TelemetryTicks;
        public long LastSeenBatch;
        public long LastSeenTicks;
    }

    private struct PendingState
    {
        public bool Touched;
        public bool Remove;
        public bool Listed;
        public TelemetryFields Fields;
        public AgentState Value;
    }
}

using VisionFlow.Agents.Telemetry;

namespace VisionFlow.Agents.Cache;

/// <summary>
/// The agent cache. Mutated only by its owner (the intake loop): events are staged and coalesced per agent
/// (last write wins per field), then applied once per batch into the reused <see cref="AgentChangeSet"/>.
/// A status for an agent not yet known adds it (as a poll would); a terminated event or status removes it. Agents the
/// peer reports beyond <c>MCP_MAX_AGENTS</c> are kept apart as untracked: counted (<see cref="Untracked"/>), never shown,
/// and taken in when room frees up. Silence is measured in time: an agent unheard of for the stale interval is marked
/// stale, for the removal interval removed. Readers use <see cref="Snapshot"/>/<see cref="GetSnapshotAsync"/>,
/// <see cref="Count"/> and <see cref="Admission"/>, which read published values only.
/// </summary>
public sealed class AgentCache
{
    private readonly int _maxAgents;
    private readonly long _staleAfterTicks;
    private readonly long _removeAfterTicks;
    private readonly AgentState[] _state;
    private readonly PendingState[] _pending;
    private readonly int[] _touched;
    private readonly int[] _present;
    private readonly int[] _presentIndex;
    private readonly int[] _release;
    private readonly AgentChangeSet _changes;
    private readonly int[] _untracked;
    private readonly int[] _untrackedIndex;
    private int _touchedCount;
    private int _presentCount;
    private int _untrackedCount;
    private int _releaseCount;
    private bool _fullList;
    private long _version;
    private bool _available;
    private long _rejectedOverLimit;
    private volatile int _publishedCount;
    private volatile int _publishedUntracked;
    private volatile bool _publishedAvailable;
    private long _publishedVersion;
    private volatile AgentSnapshot _snapshot;
    private volatile int _snapshotDemand;
    private TaskCompletionSource<AgentSnapshot>? _snapshotWaiters;
    private readonly Lock _waitersLock = new();

    internal AgentCache(int keyCapacity, int maxAgents, TimeSpan staleAfter, TimeSpan removeAfter)
    {
        _maxAgents = maxAgents;
        _staleAfterTicks = staleAfter.Ticks;
        _removeAfterTicks = removeAfter.Ticks;
        _state = new AgentState[keyCapacity];
        _pending = new PendingState[keyCapacity];
        _touched = new int[keyCapacity];
        _present = new int[keyCapacity];
        _presentIndex = new int[keyCapacity];
        _release = new int[keyCapacity];
        _untracked = new int[keyCapacity];
        _untrackedIndex = new int[keyCapacity];
        _changes = new AgentChangeSet(keyCapacity);
        _snapshot = AgentSnapshot.Unavailable(maxAgents);
        Admission = new AgentAdmission(maxAgents);
    }

    /// <summary>MCP_MAX_AGENTS.</summary>
    public int MaxAgents => _maxAgents;

    /// <summary>Agents in the cache after the last batch.</summary>
    public int Count => _publishedCount;

    /// <summary>Agents the peer reports beyond <c>MCP_MAX_AGENTS</c> after the last batch: known to exist, not shown.</summary>
    public int Untracked => _publishedUntracked;

    /// <summary>Spawn admission under <c>MCP_MAX_AGENTS</c>: slots are reserved before a spawn is sent.</summary>
    public AgentAdmission Admission { get; }

    /// <summary>Whether the telemetry source was available at the last batch.</summary>
    public bool IsAvailable => _publishedAvailable;

    /// <summary>Cache version after the last batch (bumps only when something changed).</summary>
    public long Version => Volatile.Read(ref _publishedVersion);

    /// <summary>Agents refused because the cache was at MCP_MAX_AGENTS (or the id table was full).</summary>
    public long RejectedOverLimit => Volatile.Read(ref _rejectedOverLimit);

    /// <summary>The latest built snapshot; reading it asks the owner to build a fresh one (at once) if stale.</summary>
    public AgentSnapshot Snapshot
    {
        get
        {
            var snapshot = _snapshot;
            if (snapshot.Version != Version) Demand();
            return snapshot;
        }
    }

    /// <summary>The latest built snapshot when it is newer than <paramref name="snapshot"/>, else <paramref name="snapshot"/>.</summary>
    public AgentSnapshot CurrentOrNewer(AgentSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var current = _snapshot;
        return current.Version > snapshot.Version ? current : snapshot;
    }

    /// <summary>Wakes the owner when a reader wants a fresh snapshot (set by the owner).</summary>
    internal Action? SnapshotDemanded { get; set; }

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

        Demand();
        return task.WaitAsync(cancellationToken);
    }

    private void Demand()
    {
        if (_snapshotDemand == 0)
        {
            _snapshotDemand = 1;
            SnapshotDemanded?.Invoke();
        }
    }

    internal AgentChangeSet Changes => _changes;

    internal ReadOnlySpan<int> PresentKeys => _present.AsSpan(0, _presentCount);

    internal ReadOnlySpan<int> KeysToRelease => _release.AsSpan(0, _releaseCount);

    /// <summary>Message-flow edges changed in the batch just applied: it counts as a change (a new version) too.</summary>
    internal void MarkEdgesChanged()
    {
        if (!_changes.HasChanges)
        {
            _version++;
            _changes.Version = _version;
            Volatile.Write(ref _publishedVersion, _version);
        }

        _changes.EdgesChanged = true;
    }

    /// <summary>The owner has released <see cref="KeysToRelease"/> (after every consumer saw the batch).</summary>
    internal void ClearKeysToRelease() => _releaseCount = 0;

    internal bool IsPresent(int key) => (uint)key < (uint)_state.Length && _state[key].Present;

    /// <summary>Present or untracked: the peer reports it.</summary>
    internal bool IsKnown(int key) => (uint)key < (uint)_state.Length && (_state[key].Present || _state[key].Untracked);

    internal ref readonly AgentState StateOf(int key) => ref _state[key];

    internal bool SnapshotRequested => _snapshotDemand != 0 || _snapshotWaiters is not null;

    /// <summary>Marks the batch being staged as a complete agent list: agents it does not mention are removed.</summary>
    internal void BeginFullList() => _fullList = true;

    /// <summary>Drops everything staged since the last batch (a listing that turned out to be a failure).</summary>
    internal void DiscardStaged()
    {
        for (var i = 0; i < _touchedCount; i++)
        {
            var key = _touched[i];
            _pending[key] = default;
            if (!_state[key].Present && !_state[key].Untracked) _release[_releaseCount++] = key;
        }

        _touchedCount = 0;
    }

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
            Health = ev.Health,
            CreatedAtTicks = ev.CreatedAtUtcTicks,
            ModelKey = ev.ModelKey,
            TelemetryTicks = ev.TimestampUtcTicks,
        };
        CopyFields(ref p.Value, in incoming, ev.Fields);
    }

    /// <summary>Applies everything staged since the last batch; returns the change set (check <see cref="AgentChangeSet.HasChanges"/>).</summary>
    internal AgentChangeSet Apply(bool available, long nowUtcTicks)
    {
        _changes.Clear();
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
                if (!_state[key].Present && !_state[key].Untracked) _release[_releaseCount++] = key;
            }

            _touchedCount = 0;
            _fullList = false;
            for (var i = _presentCount - 1; i >= 0; i--) RemovePresent(_present[i]);
            for (var i = _untrackedCount - 1; i >= 0; i--) RemoveUntracked(_untracked[i]);
            return Publish();
        }

        if (_fullList)
        {
            // A listing names every agent the server has: whoever it leaves out is gone, now — and
            // before the listed ones are added, so the room they leave under the limit is there for them.
            for (var i = _presentCount - 1; i >= 0; i--)
            {
                var key = _present[i];
                if (!_pending[key].Listed) RemovePresent(key);
            }

            for (var i = _untrackedCount - 1; i >= 0; i--)
            {
                var key = _untracked[i];
                if (!_pending[key].Listed) RemoveUntracked(key);
            }
        }

        for (var i = 0; i < _touchedCount; i++)
        {
            var key = _touched[i];
            ref var p = ref _pending[key];
            ref var s = ref _state[key];
            if (p.Remove)
            {
                if (s.Present) RemovePresent(key);
                else if (s.Untracked) RemoveUntracked(key);
                else _release[_releaseCount++] = key;
            }
            else if (!s.Present)
            {
                if (_presentCount >= _maxAgents)
                {
                    // Known to exist, beyond the limit: counted and kept apart, so the API can say so and it can be taken
                    // in when room frees up.
                    if (!s.Untracked)
                    {
                        _rejectedOverLimit++;
                        s = default;
                        s.TypeKey = s.StatusKey = s.SwarmKey = s.ModelKey = -1;
                        s.Untracked = true;
                        _untrackedIndex[key] = _untrackedCount;
                        _untracked[_untrackedCount++] = key;
                    }

                    _ = Merge(ref s, in p);
                    s.LastSeenTicks = nowUtcTicks;
                }
                else
                {
                    if (s.Untracked) DetachUntracked(key);
                    else
                    {
                        s = default;
                        s.TypeKey = s.StatusKey = s.SwarmKey = s.ModelKey = -1;
                    }

                    _ = Merge(ref s, in p);
                    s.Present = true;
                    s.Stale = false;
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
                    changed |= AgentFields.Stale;
                }

                s.LastSeenTicks = nowUtcTicks;
                if (changed != AgentFields.None) _changes.AddUpdated(key, changed);
            }
        }

        for (var i = 0; i < _touchedCount; i++) _pending[_touched[i]] = default;
        _touchedCount = 0;
        _fullList = false;

        for (var i = _presentCount - 1; i >= 0; i--)
        {
            var key = _present[i];
            ref var s = ref _state[key];
            var silent = nowUtcTicks - s.LastSeenTicks;
            if (silent >= _removeAfterTicks) RemovePresent(key);
            else if (silent >= _staleAfterTicks && !s.Stale)
            {
                s.Stale = true;
                _changes.AddUpdated(key, AgentFields.Stale);
            }
        }

        for (var i = _untrackedCount - 1; i >= 0; i--)
        {
            var key = _untracked[i];
            if (nowUtcTicks - _state[key].LastSeenTicks >= _removeAfterTicks) RemoveUntracked(key);
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
        _publishedUntracked = _untrackedCount;
        _publishedAvailable = _available;
        Volatile.Write(ref _publishedVersion, _version);
        _publishedCount = _presentCount;
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

    private void RemoveUntracked(int key)
    {
        DetachUntracked(key);
        _state[key] = default;
        _release[_releaseCount++] = key;
    }

    /// <summary>Takes <paramref name="key"/> off the untracked list, keeping its state (it is being taken in, or removed).</summary>
    private void DetachUntracked(int key)
    {
        var index = _untrackedIndex[key];
        var last = _untracked[--_untrackedCount];
        _untracked[index] = last;
        _untrackedIndex[last] = index;
        _state[key].Untracked = false;
    }

    /// <summary>Last write wins per field: copies the fields named in <paramref name="fields"/>, and remembers they are known.</summary>
    private static void CopyFields(ref AgentState target, in AgentState source, TelemetryFields fields)
    {
        target.Known |= fields;
        if ((fields & TelemetryFields.Type) != 0) target.TypeKey = source.TypeKey;
        if ((fields & TelemetryFields.Status) != 0) target.StatusKey = source.StatusKey;
        if ((fields & TelemetryFields.Swarm) != 0) target.SwarmKey = source.SwarmKey;
        if ((fields & TelemetryFields.CpuUsage) != 0) target.CpuUsage = source.CpuUsage;
        if ((fields & TelemetryFields.MemoryUsage) != 0) target.MemoryUsage = source.MemoryUsage;
        if ((fields & TelemetryFields.TasksActive) != 0) target.TasksActive = source.TasksActive;
        if ((fields & TelemetryFields.TokensUsed) != 0) target.TokensUsed = source.TokensUsed;
        if ((fields & TelemetryFields.Health) != 0) target.Health = source.Health;
        if ((fields & TelemetryFields.CreatedAt) != 0) target.CreatedAtTicks = source.CreatedAtTicks;
        if ((fields & TelemetryFields.Model) != 0) target.ModelKey = source.ModelKey;
        if ((fields & TelemetryFields.Timestamp) != 0) target.TelemetryTicks = source.TelemetryTicks;
    }

    /// <summary>Applies a staged update; returns the fields whose value changed (a field reported for the first time counts).</summary>
    private static AgentFields Merge(ref AgentState s, in PendingState p)
    {
        var before = s;
        CopyFields(ref s, in p.Value, p.Fields);
        var changed = AgentFields.None;
        var newlyKnown = s.Known & ~before.Known;
        if (((newlyKnown & TelemetryFields.Type) != 0) || s.TypeKey != before.TypeKey) changed |= AgentFields.Type;
        if (((newlyKnown & TelemetryFields.Status) != 0) || s.StatusKey != before.StatusKey) changed |= AgentFields.Status;
        if (((newlyKnown & TelemetryFields.Swarm) != 0) || s.SwarmKey != before.SwarmKey) changed |= AgentFields.Swarm;
        if (((newlyKnown & TelemetryFields.CpuUsage) != 0) || s.CpuUsage != before.CpuUsage) changed |= AgentFields.CpuUsage;
        if (((newlyKnown & TelemetryFields.MemoryUsage) != 0) || s.MemoryUsage != before.MemoryUsage) changed |= AgentFields.MemoryUsage;
        if (((newlyKnown & TelemetryFields.TasksActive) != 0) || s.TasksActive != before.TasksActive) changed |= AgentFields.TasksActive;
        if (((newlyKnown & TelemetryFields.TokensUsed) != 0) || s.TokensUsed != before.TokensUsed) changed |= AgentFields.TokensUsed;
        if (((newlyKnown & TelemetryFields.Health) != 0) || s.Health != before.Health) changed |= AgentFields.Health;
        if (((newlyKnown & TelemetryFields.CreatedAt) != 0) || s.CreatedAtTicks != before.CreatedAtTicks) changed |= AgentFields.CreatedAt;
        if (((newlyKnown & TelemetryFields.Model) != 0) || s.ModelKey != before.ModelKey) changed |= AgentFields.Model;
        return changed;
    }

    internal struct AgentState
    {
        public bool Present;
        public bool Untracked;
        public bool Stale;

        /// <summary>Fields the peer has ever reported for this agent; the others are unknown (null), never zero.</summary>
        public TelemetryFields Known;
        public int TypeKey;
        public int StatusKey;
        public int SwarmKey;
        public float CpuUsage;
        public float MemoryUsage;
        public int TasksActive;
        public long TokensUsed;
        public float Health;
        public long CreatedAtTicks;
        public int ModelKey;
        public long TelemetryTicks;
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

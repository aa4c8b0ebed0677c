namespace VisionFlow.Agents.Cache;

/// <summary>
/// Admission of spawns under <c>MCP_MAX_AGENTS</c> that holds however many arrive at once. A spawn reserves its slots
/// before it is sent; a failed spawn gives them back; a successful one keeps its agents counted as pending until the cache
/// sees them (telemetry lags the reply by up to a poll) or they fail to appear within the grace period. So the count that
/// admits the next spawn is: agents in the cache + agents the peer reports beyond the limit + reservations in flight +
/// agents spawned but not yet seen.
/// </summary>
public sealed class AgentAdmission
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _pending = new(StringComparer.Ordinal);
    private readonly List<string> _seen = [];
    private int _present;
    private int _untracked;
    private int _reserved;

    internal AgentAdmission(int maxAgents) => Max = maxAgents;

    /// <summary><c>MCP_MAX_AGENTS</c>.</summary>
    public int Max { get; }

    /// <summary>Slots held by spawns in flight.</summary>
    public int Reserved
    {
        get
        {
            lock (_lock)
            {
                return _reserved;
            }
        }
    }

    /// <summary>Agents spawned whose telemetry has not shown them yet.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Reserves <paramref name="count"/> slots, or says why not (the error to answer with, 409).</summary>
    public bool TryReserve(int count, out AdmissionTicket ticket, out string? refusal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (_lock)
        {
            var occupied = _present + _untracked + _reserved + _pending.Count;
            if (occupied + count > Max)
            {
                ticket = default;
                refusal = Describe(count);
                return false;
            }

            _reserved += count;
        }

        ticket = new AdmissionTicket(this, count);
        refusal = null;
        return true;
    }

    /// <summary>The spawn failed: its slots are free again.</summary>
    internal void Release(int count)
    {
        lock (_lock)
        {
            _reserved -= count;
        }
    }

    /// <summary>The spawn succeeded: its agents stay counted until the cache sees them or <paramref name="expiresAtTicks"/> passes.</summary>
    internal void Commit(int count, IReadOnlyList<string> agentIds, long expiresAtTicks)
    {
        lock (_lock)
        {
            _reserved -= count;
            foreach (var id in agentIds)
            {
                _pending[id] = expiresAtTicks;
            }
        }

        // The cache's owner ages pending spawns only while it keeps time: it must know there is one to age.
        Committed?.Invoke();
    }

    /// <summary>Wakes the cache's owner after a commit (set by the owner).</summary>
    internal Action? Committed { get; set; }

    /// <summary>
    /// Called by the cache's owner after each batch: the published counts, and a check of which pending agents it now
    /// holds (those stop counting twice) or which have overstayed their grace.
    /// </summary>
    internal void Observe(int present, int untracked, Func<string, bool> isKnown, long nowTicks)
    {
        lock (_lock)
        {
            _present = present;
            _untracked = untracked;
            if (_pending.Count == 0)
            {
                return;
            }

            _seen.Clear();
            foreach (var (id, expires) in _pending)
            {
                if (nowTicks >= expires || isKnown(id))
                {
                    _seen.Add(id);
                }
            }

            foreach (var id in _seen)
            {
                _pending.Remove(id);
            }
        }
    }

    private string Describe(int requested)
    {
        var parts = $"{_present} agents running";
        if (_untracked > 0)
        {
            parts += $", {_untracked} more reported by the server beyond the limit";
        }

        if (_reserved + _pending.Count > 0)
        {
            parts += $", {_reserved + _pending.Count} being spawned";
        }

        return $"agent limit reached: {parts}; {requested} requested, MCP_MAX_AGENTS is {Max}";
    }
}

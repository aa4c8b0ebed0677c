using VisionFlow.Agents.Cache;

namespace VisionFlow.Server.Mcp;

/// <summary>
/// Agents whose updates moved only gauges (CPU, memory, tokens), held so that their readers (the <c>/ws</c> agents
/// topic, the history tap) pass each agent's gauges on at most once an interval instead of ten times a second: a busy
/// swarm moves every agent's gauges on every telemetry tick. One per reader, used on the intake's thread (inside
/// <see cref="Agents.Intake.TelemetryIntake.ChangesApplied"/> and <see cref="Agents.Intake.TelemetryIntake.Woke"/>, where
/// intake keys are valid); not thread-safe.
/// </summary>
/// <remarks>
/// Each agent is due an interval after it was held, in the order agents were held, and due agents are taken at the
/// rate the held ones need (all of them once an interval; up to <see cref="Burst"/> at once, or a tenth of them): a swarm
/// whose agents all report on the same tick is passed on a slice per batch, spread over the interval, not as one message
/// of every agent once a second (10,000 agents made a 1.3 MB <c>/ws</c> message that status changes queued behind); once
/// spread, agents stay spread, since each is held again right after it was passed on. An agent not passed on for a
/// whole interval is not held at all: the first reading after a quiet spell goes at once.
/// </remarks>
internal sealed class HeldGauges
{
    /// <summary>The fields held back.</summary>
    public const AgentFields Gauges = AgentFields.CpuUsage | AgentFields.MemoryUsage | AgentFields.TokensUsed;

    // By intake key (small and dense: the cache's slots), a timestamp or None: the agents topic and the tap ask for every
    // agent of every batch, ten times a second, and two hash lookups each were a tenth of their cost at 10,000 agents.
    private const long None = long.MinValue;
    private long[] _heldAt = [];     // held agents: when each was held
    private long[] _passedAt = [];   // present agents: when each was last passed on
    private int _held;
    private readonly Queue<(int Key, long HeldAt)> _order = new(); // holds in time order; stale entries skipped
    private readonly TimeProvider _time;
    private double _allowance; // agents that may be taken now
    private long _refilledAt;

    /// <summary>Due agents that may always be taken at once: a small swarm's are passed on together.</summary>
    public const int Burst = 256;

    public HeldGauges(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _refilledAt = time.GetTimestamp();
    }

    /// <summary>Agents held.</summary>
    public int Count => _held;

    /// <summary>Whether an update of <paramref name="fields"/> moved gauges only (and so may be held).</summary>
    public static bool OnlyGauges(AgentFields fields) => (fields & ~Gauges) == 0;

    /// <summary>
    /// An update of <paramref name="key"/> moved gauges only: holds it, or returns false when it was not passed on within
    /// <paramref name="interval"/> — then the caller passes it on now (and it counts as passed on).
    /// </summary>
    public bool Hold(int key, TimeSpan interval)
    {
        Reach(key);
        if (_heldAt[key] != None)
        {
            return true;
        }

        var now = _time.GetTimestamp();
        var passed = _passedAt[key];
        if (passed == None || _time.GetElapsedTime(passed, now) >= interval)
        {
            _passedAt[key] = now;
            return false;
        }

        _heldAt[key] = now;
        _held++;
        _order.Enqueue((key, now));
        return true;
    }

    /// <summary>
    /// <paramref name="key"/> is passed on now with another change: it is no longer held. Returns whether its gauges
    /// were, so that the caller passes them on too.
    /// </summary>
    public bool Release(int key)
    {
        Reach(key);
        _passedAt[key] = _time.GetTimestamp();
        return Unhold(key);
    }

    /// <summary><paramref name="key"/> is gone (a key is reused only by a later batch's new agent).</summary>
    public void Forget(int key)
    {
        if ((uint)key >= (uint)_heldAt.Length)
        {
            return;
        }

        Unhold(key);
        _passedAt[key] = None;
    }

    /// <summary>The next agent held for <paramref name="interval"/> or longer, which the caller passes on now; false when none is.</summary>
    public bool TryTakeDue(TimeSpan interval, out int key)
    {
        var now = _time.GetTimestamp();
        var held = _held;
        _allowance = Math.Min(
            _allowance + (held * (_time.GetElapsedTime(_refilledAt, now) / interval)),
            Math.Max(Burst, held / 10));
        _refilledAt = now;
        while (_allowance >= 1 && _order.TryPeek(out var head))
        {
            var at = _heldAt[head.Key];
            if (at != head.HeldAt)
            {
                _order.Dequeue(); // released or forgotten since (and perhaps held again, with its own entry)
                continue;
            }

            if (_time.GetElapsedTime(at, now) < interval)
            {
                break;
            }

            _order.Dequeue();
            Unhold(head.Key);
            _passedAt[head.Key] = now;
            _allowance--;
            key = head.Key;
            return true;
        }

        key = -1;
        return false;
    }

    private bool Unhold(int key)
    {
        if (_heldAt[key] == None)
        {
            return false;
        }

        _heldAt[key] = None;
        _held--;
        return true;
    }

    /// <summary>Grows the tables to hold <paramref name="key"/> (doubling: the intake's keys stop at its capacity).</summary>
    private void Reach(int key)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(key);
        if (key < _heldAt.Length)
        {
            return;
        }

        var length = Math.Max(Math.Max(64, key + 1), _heldAt.Length * 2);
        var old = _heldAt.Length;
        Array.Resize(ref _heldAt, length);
        Array.Resize(ref _passedAt, length);
        _heldAt.AsSpan(old).Fill(None);
        _passedAt.AsSpan(old).Fill(None);
    }
}

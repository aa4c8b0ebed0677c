namespace VisionFlow.Agents.Flows;

/// <summary>
/// Message flows → weighted agent edges. A fixed ring keeps recent flows (history); an edge table of fixed capacity
/// keeps one undirected edge per agent pair whose weight is the message count decayed with a half-life.
/// Nothing here grows with the event rate: the ring overwrites, the table refuses (and counts) edges beyond
/// its capacity, and edges decaying below the floor are freed. Single owner (the intake loop).
/// </summary>
internal sealed class MessageFlowEdges
{
    private readonly MessageFlow[] _ring;
    private readonly Dictionary<long, int> _slotByPair;
    private readonly int[] _a;
    private readonly int[] _b;
    private readonly double[] _weight;
    private readonly long[] _messages;
    private readonly long[] _bytes;
    private readonly int[] _live;
    private readonly int[] _liveIndex;
    private readonly Stack<int> _freeSlots;
    private readonly List<long> _freedPairs = [];
    private readonly float[] _reported; // the weight consumers were last told, 0 = not told yet
    private readonly List<long> _goneReported = [];
    private readonly double _halfLifeTicks;
    private readonly double _floor;
    private int _ringStart;
    private int _ringCount;
    private int _liveCount;
    private long _lastDecayTicks = long.MinValue;

    /// <summary>Creates the edge table.</summary>
    public MessageFlowEdges(int historyCapacity, int maxEdges, TimeSpan halfLife, double weightFloor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(historyCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEdges, 1);
        if (halfLife <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(halfLife));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(weightFloor);
        _ring = new MessageFlow[historyCapacity];
        _slotByPair = new Dictionary<long, int>(maxEdges);
        _a = new int[maxEdges];
        _b = new int[maxEdges];
        _weight = new double[maxEdges];
        _messages = new long[maxEdges];
        _bytes = new long[maxEdges];
        _live = new int[maxEdges];
        _liveIndex = new int[maxEdges];
        _reported = new float[maxEdges];
        _freeSlots = new Stack<int>(maxEdges);
        for (var i = maxEdges - 1; i >= 0; i--) _freeSlots.Push(i);
        _halfLifeTicks = halfLife.Ticks;
        _floor = weightFloor;
    }

    /// <summary>Live edges.</summary>
    public int EdgeCount => _liveCount;

    /// <summary>Edge capacity.</summary>
    public int MaxEdges => _a.Length;

    /// <summary>Flows currently held in the history ring.</summary>
    public int HistoryCount => _ringCount;

    /// <summary>Flows refused because the edge table was full.</summary>
    public long DroppedEdgeFull { get; private set; }

    /// <summary>Flows recorded in total.</summary>
    public long FlowsRecorded { get; private set; }

    /// <summary>Edges appeared or disappeared since <see cref="ResetChangeFlags"/>.</summary>
    public bool TopologyChanged { get; private set; }

    /// <summary>Edge weights changed since <see cref="ResetChangeFlags"/>.</summary>
    public bool WeightsChanged { get; private set; }

    /// <summary>History entry <paramref name="index"/> (0 = oldest).</summary>
    public MessageFlow HistoryAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_ringCount, nameof(index));
        return _ring[(_ringStart + index) % _ring.Length];
    }

    /// <summary>Live edge <paramref name="index"/> (0 ≤ index &lt; <see cref="EdgeCount"/>); order changes when edges go.</summary>
    public (int A, int B, double Weight, long Messages, long Bytes) EdgeAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_liveCount, nameof(index));
        var slot = _live[index];
        return (_a[slot], _b[slot], _weight[slot], _messages[slot], _bytes[slot]);
    }

    /// <summary>The edge between two agents (either order): its weight, messages and bytes; false when there is none.</summary>
    public bool TryGetEdge(int a, int b, out double weight, out long messages, out long bytes)
    {
        if (!_slotByPair.TryGetValue(Pair(a, b), out var slot))
        {
            (weight, messages, bytes) = (0, 0, 0);
            return false;
        }

        (weight, messages, bytes) = (_weight[slot], _messages[slot], _bytes[slot]);
        return true;
    }

    /// <summary>Weight of the edge between two agents, 0 when none.</summary>
    public double WeightOf(int a, int b) => _slotByPair.TryGetValue(Pair(a, b), out var slot) ? _weight[slot] : 0;

    /// <summary>Records one flow: into the history ring, and +1 on its edge (self-messages keep history only).</summary>
    public void Record(in MessageFlow flow)
    {
        FlowsRecorded++;
        if (_ringCount < _ring.Length) _ring[(_ringStart + _ringCount++) % _ring.Length] = flow;
        else
        {
            _ring[_ringStart] = flow;
            _ringStart = (_ringStart + 1) % _ring.Length;
        }

        if (flow.FromKey == flow.ToKey || flow.FromKey < 0 || flow.ToKey < 0) return;
        var pair = Pair(flow.FromKey, flow.ToKey);
        if (!_slotByPair.TryGetValue(pair, out var slot))
        {
            if (_freeSlots.Count == 0)
            {
                DroppedEdgeFull++;
                return;
            }

            slot = _freeSlots.Pop();
            _slotByPair.Add(pair, slot);
            _a[slot] = Math.Min(flow.FromKey, flow.ToKey);
            _b[slot] = Math.Max(flow.FromKey, flow.ToKey);
            _weight[slot] = 0;
            _messages[slot] = 0;
            _bytes[slot] = 0;
            _liveIndex[slot] = _liveCount;
            _live[_liveCount++] = slot;
            TopologyChanged = true;
        }

        _weight[slot] += 1.0;
        _messages[slot]++;
        _bytes[slot] += flow.Size;
        WeightsChanged = true;
    }

    /// <summary>Decays every edge to <paramref name="nowTicks"/> and frees those below the floor.</summary>
    public void Decay(long nowTicks)
    {
        if (_lastDecayTicks == long.MinValue || nowTicks <= _lastDecayTicks)
        {
            _lastDecayTicks = Math.Max(_lastDecayTicks, nowTicks);
            return;
        }

        var factor = Math.Pow(2, -(nowTicks - _lastDecayTicks) / _halfLifeTicks);
        _lastDecayTicks = nowTicks;
        for (var i = _liveCount - 1; i >= 0; i--)
        {
            var slot = _live[i];
            var w = _weight[slot] * factor;
            _weight[slot] = w;
            if (w < _floor) Free(slot);
        }

        if (_liveCount > 0) WeightsChanged = true;
    }

    /// <summary>Removes every edge touching <paramref name="key"/> and scrubs it from the history.</summary>
    public void RemoveAgent(int key)
    {
        for (var i = _liveCount - 1; i >= 0; i--)
        {
            var slot = _live[i];
            if (_a[slot] == key || _b[slot] == key) Free(slot);
        }

        for (var i = 0; i < _ringCount; i++)
        {
            ref var f = ref _ring[(_ringStart + i) % _ring.Length];
            if (f.FromKey == key || f.ToKey == key) f = f with { FromKey = f.FromKey == key ? -1 : f.FromKey, ToKey = f.ToKey == key ? -1 : f.ToKey };
        }
    }

    /// <summary>Removes every edge and the history.</summary>
    public void Clear()
    {
        for (var i = _liveCount - 1; i >= 0; i--) Free(_live[i]);
        _ringCount = 0;
        _ringStart = 0;
    }

    /// <summary>Pairs (a, b) whose edge was freed since <see cref="ResetChangeFlags"/>.</summary>
    public int FreedCount => _freedPairs.Count;

    /// <summary>Freed pair <paramref name="index"/>.</summary>
    public (int A, int B) FreedAt(int index)
    {
        var pair = _freedPairs[index];
        return ((int)(pair >> 32), (int)pair);
    }

    /// <summary>Clears the change flags and the freed list after a consumer has seen them.</summary>
    public void ResetChangeFlags()
    {
        TopologyChanged = WeightsChanged = false;
        _freedPairs.Clear();
    }

    /// <summary>
    /// A live edge's weight is reported again once it has moved by more than this share of the weight last reported.
    /// </summary>
    /// <remarks>
    /// Decay alone moves every edge by 1.4 % per 100 ms batch at the default 5 s half-life, so a 1 % step reported every
    /// live edge in every batch (4,096 of them at scale: the graph, physics and the history recorder each took them all,
    /// ten times a second). A quarter reports a fading edge about every 2 s and a message on a quiet edge at once.
    /// </remarks>
    internal const float ReportStep = 0.25f;

    /// <summary>
    /// Writes what consumers have not been told into <paramref name="changes"/>: edges that went (weight 0, only those
    /// reported before), new edges, and weights that moved by more than <see cref="ReportStep"/> since last reported. A
    /// decaying edge is reported every couple of seconds, not every batch, so an otherwise idle graph is not kept busy by it.
    /// </summary>
    internal void CollectChanges(Cache.AgentChangeSet changes)
    {
        foreach (var pair in _goneReported) changes.AddEdge((int)(pair >> 32), (int)pair, 0f);
        _goneReported.Clear();
        for (var i = 0; i < _liveCount; i++)
        {
            var slot = _live[i];
            var weight = (float)_weight[slot];
            var reported = _reported[slot];
            if (reported == 0f || MathF.Abs(weight - reported) > ReportStep * reported)
            {
                // Never 0 for a live edge: 0 says "gone".
                weight = Math.Max(weight, float.Epsilon);
                _reported[slot] = weight;
                changes.AddEdge(_a[slot], _b[slot], weight);
            }
        }
    }

    private void Free(int slot)
    {
        var pair = Pair(_a[slot], _b[slot]);
        _slotByPair.Remove(pair);
        _freedPairs.Add(pair);
        if (_reported[slot] != 0f)
        {
            _goneReported.Add(pair);
            _reported[slot] = 0f;
        }

        var index = _liveIndex[slot];
        var last = _live[--_liveCount];
        _live[index] = last;
        _liveIndex[last] = index;
        _freeSlots.Push(slot);
        TopologyChanged = true;
    }

    private static long Pair(int a, int b) => a < b ? ((long)a << 32) | (uint)b : ((long)b << 32) | (uint)a;
}

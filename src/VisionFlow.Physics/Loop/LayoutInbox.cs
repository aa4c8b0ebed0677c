namespace VisionFlow.Physics.Loop;

/// <summary>
/// Where changes to the layout wait for the loop's tick: handed in from any thread, taken together by the tick. Each
/// kind is kept at its newest, so the inbox is bounded by the graph, not by how often callers call: one topology (a newer
/// one replaces it, and its buffers are reused), one weight per edge, one move per node.
/// </summary>
/// <remarks>
/// A topology carries its own weights, so weight changes handed in before it are dropped with it; those handed in after
/// it are applied after it. Callers are expected to hand changes in from one owner, in order (the graph service).
/// </remarks>
internal sealed class LayoutInbox
{
    private readonly Lock _gate = new();
    private readonly Stack<TopologySubmission> _spareTopologies = new();
    private TopologySubmission? _topology;
    private Dictionary<ulong, float> _weights = [], _takenWeights = [];
    private Dictionary<uint, NodeMove> _moves = [], _takenMoves = [];
    private bool _resume;
    private volatile bool _hasWork;

    /// <summary>Something waits to be taken.</summary>
    public bool HasWork => _hasWork;

    /// <summary>A topology waits to be taken.</summary>
    public bool HasTopology => Volatile.Read(ref _topology) is not null;

    /// <summary>Hands in a new topology (ids and edges as index pairs into them), replacing one not yet taken.</summary>
    public void PostTopology(ReadOnlySpan<uint> ids, ReadOnlySpan<(int A, int B, float Weight)> edges)
    {
        TopologySubmission? submission;
        lock (_spareTopologies)
        {
            _spareTopologies.TryPop(out submission);
        }

        // Filled outside the gate: building the CSR of a big graph must not hold up the tick.
        submission ??= new TopologySubmission();
        submission.Fill(ids, edges);
        TopologySubmission? replaced;
        lock (_gate)
        {
            replaced = _topology;
            Volatile.Write(ref _topology, submission);
            _weights.Clear();
            _hasWork = true;
        }

        if (replaced is not null) Recycle(replaced);
    }

    /// <summary>Hands in new weights for edges between existing nodes, by node ids (either order).</summary>
    public void PostWeights(ReadOnlySpan<(uint A, uint B, float Weight)> changes)
    {
        if (changes.IsEmpty) return;
        lock (_gate)
        {
            foreach (var (a, b, w) in changes)
            {
                _weights[EdgeKey(a, b)] = w;
            }

            _hasWork = true;
        }
    }

    /// <summary>Hands in a move; a newer move of the same node replaces it (keeping its pin change unless it has one).</summary>
    public void PostMove(uint id, NodeMove move)
    {
        lock (_gate)
        {
            if (move.Pinned is null && _moves.TryGetValue(id, out var earlier)) move = move with { Pinned = earlier.Pinned };
            _moves[id] = move;
            _hasWork = true;
        }
    }

    /// <summary>Asks the loop to count the layout as moving again, changing nothing.</summary>
    public void PostResume()
    {
        lock (_gate)
        {
            _resume = true;
            _hasWork = true;
        }
    }

    /// <summary>
    /// Takes everything handed in so far. The collections in <paramref name="items"/> stay valid until the next call (one
    /// taker at a time: the loop's tick); give the topology back with <see cref="Recycle"/> once applied.
    /// </summary>
    public bool TryTake(out InboxItems items)
    {
        if (!_hasWork)
        {
            items = default;
            return false;
        }

        lock (_gate)
        {
            _takenWeights.Clear();
            _takenMoves.Clear();
            (_weights, _takenWeights) = (_takenWeights, _weights);
            (_moves, _takenMoves) = (_takenMoves, _moves);
            items = new InboxItems(_topology, _takenWeights, _takenMoves, _resume);
            Volatile.Write(ref _topology, null);
            _resume = false;
            _hasWork = false;
        }

        return true;
    }

    /// <summary>Gives a taken topology's buffers back for reuse.</summary>
    public void Recycle(TopologySubmission submission)
    {
        lock (_spareTopologies)
        {
            // Two cycle in steady state (one pending, one being filled); a few more cover bursts.
            if (_spareTopologies.Count < 4)
            {
                _spareTopologies.Push(submission);
            }
        }
    }

    /// <summary>The two node ids of an edge as one key, smaller first (edges are undirected).</summary>
    public static ulong EdgeKey(uint a, uint b) => a < b ? ((ulong)a << 32) | b : ((ulong)b << 32) | a;
}

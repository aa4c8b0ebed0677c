namespace VisionFlow.Physics;

/// <summary>
/// The physics input model: struct-of-arrays nodes and CSR edges. Each undirected edge appears in both endpoints'
/// rows so every node can sum its own forces (deterministic, partitioned by node). Owned by one thread at a time.
/// </summary>
internal sealed class LayoutGraph
{
    /// <summary>Id bit that marks an agent node; clear means a knowledge node.</summary>
    public const uint AgentBit = 0x80000000u;

    /// <summary>Largest edge weight kept; larger (or infinite) weights are clamped so forces stay finite.</summary>
    public const float MaxWeight = 1e6f;

    /// <summary>Coordinates are clamped to ±this on input so squared distances stay finite in float.</summary>
    public const float MaxCoordinate = 1e6f;

    private uint[] _ids;
    private float[] _x, _y, _z, _vx, _vy, _vz;
    private bool[] _pinned;
    private int[] _offsets;
    private int[] _targets;
    private float[] _weights;
    private readonly Dictionary<uint, int> _indexById = [];
    private int _dirtyStart = int.MaxValue;
    private int _dirtyEnd;

    /// <summary>Creates a graph from ids and CSR arrays (offsets has nodeCount+1 entries); positions start at zero.</summary>
    public LayoutGraph(ReadOnlySpan<uint> ids, ReadOnlySpan<int> offsets, ReadOnlySpan<int> targets, ReadOnlySpan<float> weights)
    {
        _ids = []; _x = _y = _z = _vx = _vy = _vz = []; _pinned = []; _offsets = [0]; _targets = []; _weights = [];
        SetTopology(ids, offsets, targets, weights);
    }

    /// <summary>Builds a graph from an undirected edge list (a, b, weight), writing each edge into both CSR rows.</summary>
    public static LayoutGraph FromEdges(ReadOnlySpan<uint> ids, ReadOnlySpan<(int A, int B, float Weight)> edges)
    {
        var (offsets, targets, weights) = BuildCsr(ids.Length, edges);
        return new LayoutGraph(ids, offsets, targets, weights);
    }

    /// <summary>Symmetric CSR from an undirected edge list; out-of-range endpoints are dropped.</summary>
    public static (int[] Offsets, int[] Targets, float[] Weights) BuildCsr(int nodeCount, ReadOnlySpan<(int A, int B, float Weight)> edges)
    {
        var offsets = new int[nodeCount + 1];
        var entries = CountCsr(edges, offsets);
        var targets = new int[entries];
        var weights = new float[entries];
        FillCsr(edges, offsets, targets, weights);
        return (offsets, targets, weights);
    }

    /// <summary>
    /// First half of <see cref="BuildCsr"/>: row offsets of the symmetric CSR into <paramref name="offsets"/> (node count + 1
    /// entries); returns the number of target entries.
    /// </summary>
    internal static int CountCsr(ReadOnlySpan<(int A, int B, float Weight)> edges, Span<int> offsets)
    {
        var nodeCount = offsets.Length - 1;
        offsets.Clear();
        foreach (var (a, b, _) in edges)
        {
            if ((uint)a >= (uint)nodeCount || (uint)b >= (uint)nodeCount) continue;
            offsets[a + 1]++;
            offsets[b + 1]++;
        }
        for (var i = 0; i < nodeCount; i++) offsets[i + 1] += offsets[i];
        return offsets[nodeCount];
    }

    /// <summary>Second half of <see cref="BuildCsr"/>: fills the rows counted by <see cref="CountCsr"/>, in edge order.</summary>
    internal static void FillCsr(ReadOnlySpan<(int A, int B, float Weight)> edges, Span<int> offsets, Span<int> targets, Span<float> weights)
    {
        // Each row's start doubles as its write cursor, so no cursor array: afterwards offsets[i] holds row i's end, and
        // shifting by one restores the starts.
        var nodeCount = offsets.Length - 1;
        foreach (var (a, b, w) in edges)
        {
            if ((uint)a >= (uint)nodeCount || (uint)b >= (uint)nodeCount) continue;
            targets[offsets[a]] = b; weights[offsets[a]++] = w;
            targets[offsets[b]] = a; weights[offsets[b]++] = w;
        }
        for (var i = nodeCount; i > 0; i--) offsets[i] = offsets[i - 1];
        offsets[0] = 0;
    }

    /// <summary>Number of nodes.</summary>
    public int NodeCount => _ids.Length;

    /// <summary>Number of CSR entries (each undirected edge counts twice).</summary>
    public int EdgeEntryCount => _targets.Length;

    /// <summary>Bumped on every topology change; a device backend re-uploads ids, flags and CSR when it differs.</summary>
    public long TopologyVersion { get; private set; }

    /// <summary>Bumped when only edge weights change (<see cref="TryUpdateWeights"/>); a device backend re-uploads the weights.</summary>
    public long WeightsVersion { get; private set; }

    /// <summary>Node ids; bit 31 set = agent node.</summary>
    public ReadOnlySpan<uint> Ids => _ids;

    /// <summary>X positions. Writable: after writing any of these spans call <see cref="MarkPositionsDirty"/> (or use <see cref="SetPosition"/>).</summary>
    public Span<float> X => _x;
    /// <summary>Y positions.</summary>
    public Span<float> Y => _y;
    /// <summary>Z positions.</summary>
    public Span<float> Z => _z;
    /// <summary>X velocities.</summary>
    public Span<float> VX => _vx;
    /// <summary>Y velocities.</summary>
    public Span<float> VY => _vy;
    /// <summary>Z velocities.</summary>
    public Span<float> VZ => _vz;

    /// <summary>Pinned nodes never move.</summary>
    public ReadOnlySpan<bool> Pinned => _pinned;

    /// <summary>CSR row offsets (NodeCount + 1 entries).</summary>
    public ReadOnlySpan<int> EdgeOffsets => _offsets;

    /// <summary>CSR column indices.</summary>
    public ReadOnlySpan<int> EdgeTargets => _targets;

    /// <summary>CSR weights, already sanitized (finite, 0..MaxWeight).</summary>
    public ReadOnlySpan<float> EdgeWeights => _weights;

    /// <summary>True when node <paramref name="i"/> is an agent node.</summary>
    public bool IsAgent(int i) => (_ids[i] & AgentBit) != 0;

    /// <summary>The range of nodes whose position/velocity/pin changed since the backend last consumed it.</summary>
    public (int Start, int Count) DirtyRange => _dirtyStart >= _dirtyEnd ? (0, 0) : (_dirtyStart, _dirtyEnd - _dirtyStart);

    /// <summary>Replaces ids and edges. Positions of the first min(old, new) nodes are kept; new nodes start at the origin.</summary>
    public void SetTopology(ReadOnlySpan<uint> ids, ReadOnlySpan<int> offsets, ReadOnlySpan<int> targets, ReadOnlySpan<float> weights)
    {
        var n = ids.Length;
        if (offsets.Length != n + 1) throw new ArgumentException($"offsets must have {n + 1} entries, got {offsets.Length}.", nameof(offsets));
        if (targets.Length != weights.Length) throw new ArgumentException("targets and weights must have the same length.", nameof(weights));
        if (offsets[0] != 0 || offsets[n] != targets.Length) throw new ArgumentException("offsets must start at 0 and end at targets.Length.", nameof(offsets));
        for (var i = 0; i < n; i++)
        {
            if (offsets[i + 1] < offsets[i]) throw new ArgumentException("offsets must be non-decreasing.", nameof(offsets));
        }

        if (n != _ids.Length)
        {
            Resize(ref _x, n); Resize(ref _y, n); Resize(ref _z, n);
            Resize(ref _vx, n); Resize(ref _vy, n); Resize(ref _vz, n);
            var p = _pinned; Array.Resize(ref p, n); _pinned = p;
        }
        _ids = ids.ToArray();
        _indexById.Clear();
        for (var i = 0; i < n; i++) _indexById.TryAdd(_ids[i], i);
        _offsets = offsets.ToArray();
        _targets = new int[targets.Length];
        _weights = new float[weights.Length];
        for (var e = 0; e < targets.Length; e++)
        {
            // Out-of-range targets become self-loops, which every backend ignores.
            var row = RowOf(e);
            _targets[e] = (uint)targets[e] < (uint)n ? targets[e] : row;
            _weights[e] = SanitizeWeight(weights[e]);
        }
        TopologyVersion++;

        // Every node is dirty now, and only these: a range marked before a shrink that no backend consumed (two topologies
        // between steps) would reach past the new arrays, and every step after would throw on it.
        _dirtyStart = int.MaxValue;
        _dirtyEnd = 0;
        MarkPositionsDirty(0, n);
    }

    /// <summary>
    /// Takes new edge weights in place when <paramref name="ids"/> and the CSR structure are the ones already held, and
    /// returns true; positions, velocities and <see cref="TopologyVersion"/> stay as they are. False (nothing changed)
    /// when the structure differs: call <see cref="SetTopology"/>.
    /// </summary>
    public bool TryUpdateWeights(ReadOnlySpan<uint> ids, ReadOnlySpan<int> offsets, ReadOnlySpan<int> targets, ReadOnlySpan<float> weights)
    {
        if (!ids.SequenceEqual(_ids) || !offsets.SequenceEqual(_offsets) || !targets.SequenceEqual(_targets) || weights.Length != _weights.Length)
        {
            return false;
        }

        var changed = false;
        for (var e = 0; e < weights.Length; e++)
        {
            var w = SanitizeWeight(weights[e]);
            if (w != _weights[e])
            {
                _weights[e] = w;
                changed = true;
            }
        }

        if (changed)
        {
            WeightsVersion++;
        }

        return true;
    }

    /// <summary>Half the largest side of the nodes' bounding box, from the host arrays (current after a read-back); 0 when empty.</summary>
    public float Radius()
    {
        var n = NodeCount;
        if (n == 0) return 0;
        float minX = float.MaxValue, minY = float.MaxValue, minZ = float.MaxValue;
        float maxX = float.MinValue, maxY = float.MinValue, maxZ = float.MinValue;
        for (var i = 0; i < n; i++)
        {
            minX = MathF.Min(minX, _x[i]); maxX = MathF.Max(maxX, _x[i]);
            minY = MathF.Min(minY, _y[i]); maxY = MathF.Max(maxY, _y[i]);
            minZ = MathF.Min(minZ, _z[i]); maxZ = MathF.Max(maxZ, _z[i]);
        }

        return MathF.Max(maxX - minX, MathF.Max(maxY - minY, maxZ - minZ)) / 2;
    }

    /// <summary>Index of the node with <paramref name="id"/> (the first, should ids repeat); -1 when there is none.</summary>
    public int IndexOf(uint id) => _indexById.TryGetValue(id, out var i) ? i : -1;

    /// <summary>
    /// Sets the weight of the edge between the nodes with ids <paramref name="a"/> and <paramref name="b"/> (every CSR entry
    /// that joins them, in both rows) and returns true when that changed a weight; an edge the graph does not hold is left
    /// alone (false). Ids, CSR structure, positions and <see cref="TopologyVersion"/> stay as they are; a change bumps
    /// <see cref="WeightsVersion"/>, so a device backend re-uploads the weights alone. O(degree of a + degree of b).
    /// </summary>
    public bool SetEdgeWeight(uint a, uint b, float weight)
    {
        int i = IndexOf(a), j = IndexOf(b);
        if (i < 0 || j < 0 || i == j) return false;
        var w = SanitizeWeight(weight);
        var changed = SetRow(i, j, w) | SetRow(j, i, w);
        if (changed) WeightsVersion++;
        return changed;
    }

    private bool SetRow(int row, int target, float w)
    {
        var changed = false;
        for (var e = _offsets[row]; e < _offsets[row + 1]; e++)
        {
            if (_targets[e] == target && _weights[e] != w)
            {
                _weights[e] = w;
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>Sets a node's position (velocity is reset) and marks it dirty.</summary>
    public void SetPosition(int i, float x, float y, float z)
    {
        _x[i] = x; _y[i] = y; _z[i] = z;
        _vx[i] = _vy[i] = _vz[i] = 0;
        MarkPositionsDirty(i, 1);
    }

    /// <summary>Pins or unpins a node and marks it dirty.</summary>
    public void SetPinned(int i, bool pinned)
    {
        _pinned[i] = pinned;
        MarkPositionsDirty(i, 1);
    }

    /// <summary>Records that nodes [start, start+count) were written through the spans.</summary>
    public void MarkPositionsDirty(int start, int count)
    {
        if (count <= 0) return;
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, NodeCount);
        _dirtyStart = Math.Min(_dirtyStart, start);
        _dirtyEnd = Math.Max(_dirtyEnd, start + count);
    }

    /// <summary>
    /// Spreads nodes deterministically and evenly over the cube [-halfExtent, halfExtent]³ (the R3 low-discrepancy
    /// sequence), so a fresh layout has no coincident nodes and a uniform density. Velocities are reset.
    /// </summary>
    public void SeedVolume(float halfExtent)
    {
        const double g = 1.2207440846057594753616853491088319;
        const double a1 = 1 / g, a2 = 1 / (g * g), a3 = 1 / (g * g * g);
        for (var i = 0; i < NodeCount; i++)
        {
            _x[i] = (float)((Frac(0.5 + a1 * (i + 1)) * 2 - 1) * halfExtent);
            _y[i] = (float)((Frac(0.5 + a2 * (i + 1)) * 2 - 1) * halfExtent);
            _z[i] = (float)((Frac(0.5 + a3 * (i + 1)) * 2 - 1) * halfExtent);
            _vx[i] = _vy[i] = _vz[i] = 0;
        }
        MarkPositionsDirty(0, NodeCount);
        static double Frac(double v) => v - Math.Floor(v);
    }

    /// <summary>Sanitizes the dirty range (NaN → 0, ±∞ and huge values clamped to ±MaxCoordinate) and hands it to a backend, clearing it.</summary>
    internal (int Start, int Count) ConsumeDirty()
    {
        var range = DirtyRange;
        for (var i = range.Start; i < range.Start + range.Count; i++)
        {
            _x[i] = SanitizeCoordinate(_x[i]); _y[i] = SanitizeCoordinate(_y[i]); _z[i] = SanitizeCoordinate(_z[i]);
            _vx[i] = SanitizeCoordinate(_vx[i]); _vy[i] = SanitizeCoordinate(_vy[i]); _vz[i] = SanitizeCoordinate(_vz[i]);
        }
        _dirtyStart = int.MaxValue;
        _dirtyEnd = 0;
        return range;
    }

    private int RowOf(int e)
    {
        // Binary search keeps topology load O(E log N) without an extra array.
        var lo = 0; var hi = _offsets.Length - 2;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >> 1;
            if (_offsets[mid] <= e) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    private static float SanitizeCoordinate(float v) =>
        float.IsNaN(v) ? 0 : Math.Clamp(v, -MaxCoordinate, MaxCoordinate);

    private static float SanitizeWeight(float w) =>
        float.IsNaN(w) || w <= 0 ? 0 : MathF.Min(w, MaxWeight);

    private static void Resize(ref float[] a, int n) => Array.Resize(ref a, n);
}

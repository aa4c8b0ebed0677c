namespace VisionFlow.Physics.Loop;

/// <summary>
/// Takes a new topology into the layout without losing it: nodes keep their position and pin by id (their velocity
/// restarts from rest), and a node seen for the first time starts where the spring to its first placed neighbour rests
/// (in a hashed direction), or on a deterministic spot in the layout's volume. The same ids and edges with other weights
/// are taken in place, keeping every velocity and the topology version. Owned by the loop's tick (one thread at a time).
/// </summary>
/// <remarks>
/// Placed within 20 units of its neighbour, a swarm of 10,000 agents arriving at once started as a ball of 20 units
/// around its hub: every node inside every other's repulsion cutoff (10⁸ pairs a step) and thousands of steps to spread
/// to the hub's rest length (50·√(degree/32), <see cref="PairMath.RestScale"/>) at the speed cap. At the spring's rest
/// length it starts spread over that sphere, next to its final place.
/// </remarks>
internal sealed class NodePlacement(PhysicsParameters? parameters = null)
{
    private readonly PhysicsParameters _parameters = parameters ?? PhysicsParameters.Default;

    // Agents come and go a few times a second at scale, so the carry-over state is scratch kept between changes.
    private readonly Dictionary<uint, int> _previousIndex = [];
    private float[] _carryX = [], _carryY = [], _carryZ = [];
    private bool[] _carryPinned = [], _placed = [];
    private ulong[] _carrySignature = [];

    /// <summary>
    /// Applies a topology (ids and symmetric CSR) to <paramref name="graph"/>, creating it when null. Returns whether the
    /// layout's input changed; <paramref name="newNodes"/> counts the nodes placed for the first time and
    /// <paramref name="touched"/> the known nodes the change reached (gone, or with other neighbours or weights), so the
    /// loop can tell a local change from a big one.
    /// </summary>
    public bool Apply(ref LayoutGraph? graph, ReadOnlySpan<uint> ids, ReadOnlySpan<int> offsets, ReadOnlySpan<int> targets, ReadOnlySpan<float> weights, out int newNodes, out int touched)
    {
        newNodes = 0;
        touched = 0;
        var weightsVersion = graph?.WeightsVersion ?? 0;
        var differingWeights = graph is not null && graph.EdgeEntryCount == weights.Length ? CountDiffering(graph.EdgeWeights, weights) : 0;
        if (graph is not null && graph.TryUpdateWeights(ids, offsets, targets, weights))
        {
            // Only weights moved (or nothing at all: a settled layout stays settled). Each edge is two CSR entries, one per end.
            touched = differingWeights;
            return graph.WeightsVersion != weightsVersion;
        }

        var previous = _previousIndex;
        previous.Clear();
        if (graph is not null)
        {
            var oldIds = graph.Ids;
            for (var i = 0; i < oldIds.Length; i++) previous.TryAdd(oldIds[i], i);
            Carry(graph.X, ref _carryX); Carry(graph.Y, ref _carryY); Carry(graph.Z, ref _carryZ);
            Carry(graph.Pinned, ref _carryPinned);
            ScratchArray.Ensure(ref _carrySignature, oldIds.Length);
            for (var i = 0; i < oldIds.Length; i++) _carrySignature[i] = Signature(oldIds, graph.EdgeOffsets, graph.EdgeTargets, graph.EdgeWeights, i);
        }

        var carried = 0;
        if (graph is null) graph = new LayoutGraph(ids, offsets, targets, weights);
        else graph.SetTopology(ids, offsets, targets, weights);

        var g = graph;
        var n = ids.Length;
        ScratchArray.Ensure(ref _placed, n);
        var placed = _placed.AsSpan(0, n);
        placed.Clear();
        for (var i = 0; i < n; i++)
        {
            if (previous.TryGetValue(ids[i], out var old))
            {
                g.X[i] = _carryX[old]; g.Y[i] = _carryY[old]; g.Z[i] = _carryZ[old];
                g.VX[i] = g.VY[i] = g.VZ[i] = 0;
                g.SetPinned(i, _carryPinned[old]);
                placed[i] = true;
                carried++;
                if (Signature(ids, offsets, targets, weights, i) != _carrySignature[old]) touched++;
            }
            else if (g.Pinned[i])
            {
                g.SetPinned(i, false);
            }
        }

        touched += previous.Count - carried; // nodes that left
        var radius = 50f * MathF.Cbrt(Math.Max(1, n));
        for (var i = 0; i < n; i++)
        {
            if (placed[i]) continue;
            newNodes++;
            PlaceNew(g, i, ids[i], offsets, targets, placed, radius, _parameters);
            placed[i] = true;
        }

        if (newNodes == n && n > 0)
        {
            // A fresh layout starts centred on the origin. The hashed spots of a few nodes are not (13 notes averaged
            // (-59, -57)), and centre gravity then drags the finished shape there as one piece at 0.1-0.3 units/s: a
            // translation with a time constant of minutes that kept the layout from settling for ~290 s after its shape
            // had formed in ~20 s, stepping at the full rate all along (issue 23).
            float cx = 0, cy = 0, cz = 0;
            for (var i = 0; i < n; i++) { cx += g.X[i]; cy += g.Y[i]; cz += g.Z[i]; }
            cx /= n; cy /= n; cz /= n;
            for (var i = 0; i < n; i++) { g.X[i] -= cx; g.Y[i] -= cy; g.Z[i] -= cz; }
        }

        g.MarkPositionsDirty(0, n);
        return true;
    }

    /// <summary>Deterministic spot: where the spring to the first placed neighbour rests, else on a hashed point in the layout's volume.</summary>
    private static void PlaceNew(LayoutGraph g, int i, uint id, ReadOnlySpan<int> offsets, ReadOnlySpan<int> targets, ReadOnlySpan<bool> placed, float radius, PhysicsParameters parameters)
    {
        var h = (uint)i * 0x9E3779B1u ^ id;
        float jx = (h & 0x3FF) / 1023f - 0.5f, jy = ((h >> 10) & 0x3FF) / 1023f - 0.5f, jz = ((h >> 20) & 0x3FF) / 1023f - 0.5f;
        var anchor = -1;
        for (var e = offsets[i]; e < offsets[i + 1]; e++)
        {
            if (placed[targets[e]]) { anchor = targets[e]; break; }
        }

        if (anchor >= 0)
        {
            // The hashed direction, at the spring's rest length (a hub's springs are longer; CpuLayoutBackend.NodeForce).
            var length = MathF.Sqrt((jx * jx) + (jy * jy) + (jz * jz));
            if (length < 0.05f) (jx, jy, jz, length) = (0.5f, 0f, 0f, 0.5f);
            var rest = parameters.For(id).RestLength
                * PairMath.RestScale(offsets[i + 1] - offsets[i], offsets[anchor + 1] - offsets[anchor]) / length;
            g.X[i] = g.X[anchor] + jx * rest; g.Y[i] = g.Y[anchor] + jy * rest; g.Z[i] = g.Z[anchor] + jz * rest;
        }
        else
        {
            g.X[i] = jx * radius; g.Y[i] = jy * radius; g.Z[i] = jz * radius;
        }

        g.VX[i] = g.VY[i] = g.VZ[i] = 0;
    }

    /// <summary>
    /// An order-free summary of node <paramref name="i"/>'s neighbours (by id) and their weights: equal before and after
    /// a change unless the change reached the node (a hash: a collision only makes a change look smaller).
    /// </summary>
    private static ulong Signature(ReadOnlySpan<uint> ids, ReadOnlySpan<int> offsets, ReadOnlySpan<int> targets, ReadOnlySpan<float> weights, int i)
    {
        var sum = (ulong)(offsets[i + 1] - offsets[i]);
        for (var e = offsets[i]; e < offsets[i + 1]; e++)
        {
            var t = targets[e];
            var id = (uint)t < (uint)ids.Length ? ids[t] : ids[i];
            var h = (((ulong)id << 32) | BitConverter.SingleToUInt32Bits(weights[e])) * 0x9E3779B97F4A7C15ul;
            sum += h ^ (h >> 29);
        }

        return sum;
    }

    private static int CountDiffering(ReadOnlySpan<float> held, ReadOnlySpan<float> given)
    {
        var count = 0;
        for (var e = 0; e < held.Length; e++)
        {
            if (held[e] != given[e]) count++;
        }

        return count;
    }

    private static void Carry<T>(ReadOnlySpan<T> from, ref T[] into)
    {
        ScratchArray.Ensure(ref into, from.Length);
        from.CopyTo(into);
    }

    /// <summary>Puts the node with this id where it was moved (and pins or unpins it); false for an id the layout lacks.</summary>
    public static bool Move(LayoutGraph graph, uint id, NodeMove move)
    {
        var i = graph.IndexOf(id);
        if (i < 0) return false;
        graph.SetPosition(i, move.X, move.Y, move.Z);
        if (move.Pinned is { } pinned) graph.SetPinned(i, pinned);
        return true;
    }
}

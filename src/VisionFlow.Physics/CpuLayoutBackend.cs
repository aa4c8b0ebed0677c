using System.Numerics;
using System.Runtime.Intrinsics;

namespace VisionFlow.Physics;

/// <summary>
/// Reference CPU path: a dense uniform grid over the bounding box (counting sort, O(n)) for repulsion, CSR springs, centering and a SIMD
/// integrator. Work is partitioned by node over a fixed set of worker threads (no per-step allocation) and each node sums its own forces in a fixed order, so results do not
/// depend on thread scheduling.
/// </summary>
internal sealed class CpuLayoutBackend : ILayoutBackend
{
    private readonly int _partitions;
    private readonly Action<int> _forceBody;
    private readonly PartitionRunner _runner;

    // Scratch owned by this backend; grown on demand, never shrunk, so steady-state steps do not allocate arrays.
    private float[] _fx = [], _fy = [], _fz = [];
    private int[] _cell = [];
    private int[] _cellStart = [];
    private SortedNode[] _sorted = [];
    // Positions packed per node (16 bytes) so a spring reads one cache line per neighbour instead of three.
    private SortedNode[] _packed = [];
    private int _dimX, _dimY, _dimZ;
    private float _minX, _minY, _minZ, _invCell;

    // Per-step state read by the partition body (kept in fields so the cached delegate does not allocate).
    private LayoutGraph? _graph;
    private PhysicsParameters _p = PhysicsParameters.Default;
    private int _nodeCount;

    /// <summary>Creates the backend; <paramref name="maxDegreeOfParallelism"/> defaults to the processor count.</summary>
    public CpuLayoutBackend(int maxDegreeOfParallelism = 0)
    {
        var workers = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        // A few partitions per worker balance uneven neighbourhoods without per-node scheduling cost.
        _partitions = Math.Max(1, workers * 4);
        _runner = new PartitionRunner(workers);
        _forceBody = ForcePartition;
        DeviceName = $"CPU x{workers} ({(Vector256.IsHardwareAccelerated ? "AVX2" : Vector.IsHardwareAccelerated ? "SIMD" : "scalar")})";
    }

    /// <inheritdoc />
    public LayoutBackendKind Kind => LayoutBackendKind.Cpu;

    /// <inheritdoc />
    public string DeviceName { get; }

    /// <inheritdoc />
    public float Step(LayoutGraph graph, PhysicsParameters parameters, int iterations)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(parameters);
        graph.ConsumeDirty();
        var n = graph.NodeCount;
        EnsureCapacity(n);
        _graph = graph;
        _p = parameters;
        _nodeCount = n;
        var maxSpeed = 0f;
        for (var it = 0; it < iterations; it++)
        {
            BuildGrid(graph, parameters);
            if (n >= 2048)
            {
                _runner.Run(_partitions, _forceBody);
            }
            else
            {
                for (var part = 0; part < _partitions; part++) ForcePartition(part);
            }
            maxSpeed = MathF.Max(maxSpeed, Integrate(graph, parameters));
        }
        _graph = null;
        return maxSpeed;
    }

    /// <inheritdoc />
    public void ReadBack(LayoutGraph graph)
    {
        // The CPU path works on the graph's own arrays.
    }

    /// <inheritdoc />
    public void Dispose() => _runner.Dispose();

    private void EnsureCapacity(int n)
    {
        if (_fx.Length < n)
        {
            _fx = new float[n]; _fy = new float[n]; _fz = new float[n];
            _cell = new int[n]; _sorted = new SortedNode[n]; _packed = new SortedNode[n];
        }
        var maxCells = MaxCells(n);
        if (_cellStart.Length < maxCells + 1) _cellStart = new int[maxCells + 1];
    }

    /// <summary>Cell budget: a few cells per node keeps the table small while one cell still spans the cutoff.</summary>
    private static int MaxCells(int n) => Math.Max(64, 8 * n);

    /// <summary>
    /// Dense grid over the bounding box, counting-sorted in node order: a node's neighbours in one (dy, dz) row are a
    /// single contiguous run of the sorted array, so the search reads 9 runs instead of probing 27 hashed cells.
    /// </summary>
    private void BuildGrid(LayoutGraph g, PhysicsParameters p)
    {
        var n = g.NodeCount;
        var x = g.X; var y = g.Y; var z = g.Z;
        float minX = float.MaxValue, minY = float.MaxValue, minZ = float.MaxValue;
        float maxX = float.MinValue, maxY = float.MinValue, maxZ = float.MinValue;
        for (var i = 0; i < n; i++)
        {
            minX = MathF.Min(minX, x[i]); maxX = MathF.Max(maxX, x[i]);
            minY = MathF.Min(minY, y[i]); maxY = MathF.Max(maxY, y[i]);
            minZ = MathF.Min(minZ, z[i]); maxZ = MathF.Max(maxZ, z[i]);
        }
        // Cells never shrink below the cutoff; they grow when the box is so sparse that the table would be too big.
        double cell = p.EffectiveCellSize;
        double ex = (double)maxX - minX, ey = (double)maxY - minY, ez = (double)maxZ - minZ;
        long budget = MaxCells(n);
        long dx, dy, dz;
        while (true)
        {
            dx = (long)(ex / cell) + 1; dy = (long)(ey / cell) + 1; dz = (long)(ez / cell) + 1;
            if (dx * dy * dz <= budget) break;
            cell *= Math.Max(1.01, Math.Cbrt((double)(dx * dy * dz) / budget));
        }
        _dimX = (int)dx; _dimY = (int)dy; _dimZ = (int)dz;
        _minX = minX; _minY = minY; _minZ = minZ;
        _invCell = (float)(1 / cell);
        var cells = _dimX * _dimY * _dimZ;
        var start = _cellStart.AsSpan(0, cells + 1);
        start.Clear();
        for (var i = 0; i < n; i++)
        {
            var c = CellIndex(x[i], y[i], z[i]);
            _cell[i] = c;
            start[c + 1]++;
        }
        for (var c = 1; c < start.Length; c++) start[c] += start[c - 1];
        var ids = g.Ids;
        for (var i = 0; i < n; i++)
        {
            var node = new SortedNode(x[i], y[i], z[i], i | (int)(ids[i] & LayoutGraph.AgentBit));
            _packed[i] = node;
            _sorted[start[_cell[i]]++] = node;
        }
        // The scatter advanced each start to its end; shift back by one cell.
        for (var c = cells; c > 0; c--) start[c] = start[c - 1];
        start[0] = 0;
    }

    private int CellIndex(float x, float y, float z)
    {
        var cx = Math.Clamp((int)((x - _minX) * _invCell), 0, _dimX - 1);
        var cy = Math.Clamp((int)((y - _minY) * _invCell), 0, _dimY - 1);
        var cz = Math.Clamp((int)((z - _minZ) * _invCell), 0, _dimZ - 1);
        return (cz * _dimY + cy) * _dimX + cx;
    }

    private void ForcePartition(int part)
    {
        // Partitions walk the sorted order so neighbouring nodes (and their runs) stay in cache.
        var n = _nodeCount;
        var chunk = (n + _partitions - 1) / _partitions;
        var begin = part * chunk;
        var end = Math.Min(n, begin + chunk);
        for (var k = begin; k < end; k++) NodeForce(_sorted[k].Index & int.MaxValue);
    }

    private void NodeForce(int i)
    {
        var g = _graph!;
        var p = _p;
        ref readonly var self = ref _packed[i];
        var agentI = self.Index & int.MinValue;
        var np = agentI != 0 ? p.Agent : p.Knowledge;
        float xi = self.X, yi = self.Y, zi = self.Z;
        float fx = 0, fy = 0, fz = 0;
        var cutoff2 = np.RepulsionCutoff * np.RepulsionCutoff;
        var eps = p.Epsilon;
        var repelK = np.RepelK;
        var maxForce = np.MaxForce;
        var cross = p.CrossGraphRepulsion;
        var start = _cellStart;
        var sorted = _sorted;
        var c = _cell[i];
        var cxi = c % _dimX;
        var cyi = c / _dimX % _dimY;
        var czi = c / (_dimX * _dimY);
        var x0 = Math.Max(cxi - 1, 0);
        var x1 = Math.Min(cxi + 1, _dimX - 1);

        for (var cz = Math.Max(czi - 1, 0); cz <= Math.Min(czi + 1, _dimZ - 1); cz++)
        for (var cy = Math.Max(cyi - 1, 0); cy <= Math.Min(cyi + 1, _dimY - 1); cy++)
        {
            var row = (cz * _dimY + cy) * _dimX;
            for (int k = start[row + x0], kEnd = start[row + x1 + 1]; k < kEnd; k++)
            {
                ref readonly var other = ref sorted[k];
                var j = other.Index & int.MaxValue;
                if (j == i) continue;
                float ddx = xi - other.X, ddy = yi - other.Y, ddz = zi - other.Z;
                var d2 = ddx * ddx + ddy * ddy + ddz * ddz;
                if (d2 >= cutoff2) continue;
                var mag = MathF.Min(repelK / (d2 + eps), maxForce);
                if ((other.Index & int.MinValue) != agentI) mag *= cross;
                if (d2 < PairMath.CoincidentD2)
                {
                    var (ux, uy, uz) = PairMath.CoincidentDirection(i, j);
                    fx += ux * mag; fy += uy * mag; fz += uz * mag;
                }
                else
                {
                    var s = mag / MathF.Sqrt(d2);
                    fx += ddx * s; fy += ddy * s; fz += ddz * s;
                }
            }
        }

        var offsets = g.EdgeOffsets; var targets = g.EdgeTargets; var weights = g.EdgeWeights;
        var packed = _packed;
        var degreeI = offsets[i + 1] - offsets[i];
        for (int e = offsets[i], eEnd = offsets[i + 1]; e < eEnd; e++)
        {
            var j = targets[e];
            var w = weights[e];
            if (j == i || w == 0f) continue;
            ref readonly var other = ref packed[j];
            float ddx = other.X - xi, ddy = other.Y - yi, ddz = other.Z - zi;
            var dist = MathF.Sqrt(ddx * ddx + ddy * ddy + ddz * ddz);
            if (dist < PairMath.MinSpringDistance) continue;
            var rest = np.RestLength * PairMath.RestScale(degreeI, offsets[j + 1] - offsets[j]);
            var f = np.SpringK * (dist - rest) * w;
            if ((other.Index & int.MinValue) != agentI) f *= p.CrossGraphSpring;
            var s = f / dist;
            fx += ddx * s; fy += ddy * s; fz += ddz * s;
        }

        fx -= np.CenterGravityK * xi; fy -= np.CenterGravityK * yi; fz -= np.CenterGravityK * zi;

        // Total-force cap keeps huge weights finite; repulsion was already capped per pair.
        var f2 = fx * fx + fy * fy + fz * fz;
        if (f2 > maxForce * maxForce)
        {
            var s = maxForce / MathF.Sqrt(f2);
            fx *= s; fy *= s; fz *= s;
        }
        _fx[i] = fx; _fy[i] = fy; _fz[i] = fz;
    }

    /// <summary>Velocity/position update; vectorised when both node classes share damping and dt (the common case).</summary>
    private float Integrate(LayoutGraph g, PhysicsParameters p)
    {
        var n = g.NodeCount;
        var x = g.X; var y = g.Y; var z = g.Z; var vx = g.VX; var vy = g.VY; var vz = g.VZ;
        var pinned = g.Pinned;
        var dt = p.Dt;
        var maxSpeed2 = 0f;
        var i = 0;
        if (Vector.IsHardwareAccelerated && p.Knowledge.Damping == p.Agent.Damping && p.Knowledge.MaxVelocity == p.Agent.MaxVelocity)
        {
            var w = Vector<float>.Count;
            var vdt = new Vector<float>(dt);
            var vdamp = new Vector<float>(p.Knowledge.Damping);
            var vmax2 = new Vector<float>(p.Knowledge.MaxVelocity * p.Knowledge.MaxVelocity);
            var vmax = new Vector<float>(p.Knowledge.MaxVelocity);
            var vMaxSpeed2 = Vector<float>.Zero;
            for (; i <= n - w; i += w)
            {
                if (pinned.Slice(i, w).Contains(true)) { maxSpeed2 = MathF.Max(maxSpeed2, IntegrateScalar(g, p, i, i + w)); continue; }
                var nvx = (new Vector<float>(vx.Slice(i)) + new Vector<float>(_fx.AsSpan(i)) * vdt) * vdamp;
                var nvy = (new Vector<float>(vy.Slice(i)) + new Vector<float>(_fy.AsSpan(i)) * vdt) * vdamp;
                var nvz = (new Vector<float>(vz.Slice(i)) + new Vector<float>(_fz.AsSpan(i)) * vdt) * vdamp;
                var s2 = nvx * nvx + nvy * nvy + nvz * nvz;
                var over = Vector.GreaterThan(s2, vmax2);
                if (over != Vector<int>.Zero)
                {
                    var scale = Vector.ConditionalSelect(over, vmax / Vector.SquareRoot(s2), Vector<float>.One);
                    nvx *= scale; nvy *= scale; nvz *= scale;
                    s2 = Vector.ConditionalSelect(over, vmax2, s2);
                }
                vMaxSpeed2 = Vector.Max(vMaxSpeed2, s2);
                nvx.CopyTo(vx.Slice(i)); nvy.CopyTo(vy.Slice(i)); nvz.CopyTo(vz.Slice(i));
                (new Vector<float>(x.Slice(i)) + nvx * vdt).CopyTo(x.Slice(i));
                (new Vector<float>(y.Slice(i)) + nvy * vdt).CopyTo(y.Slice(i));
                (new Vector<float>(z.Slice(i)) + nvz * vdt).CopyTo(z.Slice(i));
            }
            for (var l = 0; l < w; l++) maxSpeed2 = MathF.Max(maxSpeed2, vMaxSpeed2[l]);
        }
        maxSpeed2 = MathF.Max(maxSpeed2, IntegrateScalar(g, p, i, n));
        return MathF.Sqrt(maxSpeed2);
    }

    private float IntegrateScalar(LayoutGraph g, PhysicsParameters p, int begin, int end)
    {
        var x = g.X; var y = g.Y; var z = g.Z; var vx = g.VX; var vy = g.VY; var vz = g.VZ;
        var pinned = g.Pinned; var ids = g.Ids;
        var dt = p.Dt;
        var max2 = 0f;
        for (var i = begin; i < end; i++)
        {
            if (pinned[i]) { vx[i] = vy[i] = vz[i] = 0; continue; }
            var np = (ids[i] & LayoutGraph.AgentBit) != 0 ? p.Agent : p.Knowledge;
            var nvx = (vx[i] + _fx[i] * dt) * np.Damping;
            var nvy = (vy[i] + _fy[i] * dt) * np.Damping;
            var nvz = (vz[i] + _fz[i] * dt) * np.Damping;
            var s2 = nvx * nvx + nvy * nvy + nvz * nvz;
            if (s2 > np.MaxVelocity * np.MaxVelocity)
            {
                var s = np.MaxVelocity / MathF.Sqrt(s2);
                nvx *= s; nvy *= s; nvz *= s;
                s2 = np.MaxVelocity * np.MaxVelocity;
            }
            max2 = MathF.Max(max2, s2);
            vx[i] = nvx; vy[i] = nvy; vz[i] = nvz;
            x[i] += nvx * dt; y[i] += nvy * dt; z[i] += nvz * dt;
        }
        return max2;
    }

    /// <summary>A node as the grid stores it: position plus index, with the agent bit in the index's sign bit.</summary>
    private readonly record struct SortedNode(float X, float Y, float Z, int Index);
}

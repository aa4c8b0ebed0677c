using System.Numerics;
using System.Runtime.Intrinsics;

namespace VisionFlow.Physics;

/// <summary>
/// Reference CPU path: a hashed uniform grid (counting sort, O(n)) for repulsion, CSR springs, centering and a SIMD
/// integrator. Work is partitioned by node and each node sums its own forces in a fixed order, so results do not
/// depend on thread scheduling.
/// </summary>
public sealed class CpuLayoutBackend : ILayoutBackend
{
    private readonly int _partitions;
    private readonly Action<int> _forceBody;

    // Scratch owned by this backend; grown on demand, never shrunk, so steady-state steps do not allocate arrays.
    private float[] _fx = [], _fy = [], _fz = [];
    private int[] _cx = [], _cy = [], _cz = [];
    private uint[] _hash = [];
    private int[] _cellStart = [];
    private int[] _sorted = [];

    // Per-step state read by the partition body (kept in fields so the cached delegate does not allocate).
    private LayoutGraph? _graph;
    private PhysicsParameters _p = PhysicsParameters.Default;
    private uint _mask;
    private int _nodeCount;

    /// <summary>Creates the backend; <paramref name="maxDegreeOfParallelism"/> defaults to the processor count.</summary>
    public CpuLayoutBackend(int maxDegreeOfParallelism = 0)
    {
        var workers = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        // A few partitions per worker balance uneven neighbourhoods without per-node scheduling cost.
        _partitions = Math.Max(1, workers * 4);
        ParallelOptions = new ParallelOptions { MaxDegreeOfParallelism = workers };
        _forceBody = ForcePartition;
        DeviceName = $"CPU x{workers} ({(Vector256.IsHardwareAccelerated ? "AVX2" : Vector.IsHardwareAccelerated ? "SIMD" : "scalar")})";
    }

    private ParallelOptions ParallelOptions { get; }

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
                Parallel.For(0, _partitions, ParallelOptions, _forceBody);
            }
            else
            {
                for (var part = 0; part < _partitions; part++) ForcePartition(part);
            }
            maxSpeed = Integrate(graph, parameters);
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
    public void Dispose()
    {
    }

    private void EnsureCapacity(int n)
    {
        if (_fx.Length < n)
        {
            _fx = new float[n]; _fy = new float[n]; _fz = new float[n];
            _cx = new int[n]; _cy = new int[n]; _cz = new int[n];
            _hash = new uint[n]; _sorted = new int[n];
        }
        var table = PairMath.TableSize(n);
        if (_cellStart.Length != table + 1) _cellStart = new int[table + 1];
        _mask = (uint)table - 1;
    }

    /// <summary>Counting sort of nodes by cell hash, in node order, so every bucket lists nodes ascending.</summary>
    private void BuildGrid(LayoutGraph g, PhysicsParameters p)
    {
        var n = g.NodeCount;
        var inv = 1f / p.EffectiveCellSize;
        var x = g.X; var y = g.Y; var z = g.Z;
        var start = _cellStart.AsSpan();
        start.Clear();
        for (var i = 0; i < n; i++)
        {
            var cx = PairMath.Cell(x[i], inv); var cy = PairMath.Cell(y[i], inv); var cz = PairMath.Cell(z[i], inv);
            _cx[i] = cx; _cy[i] = cy; _cz[i] = cz;
            var h = PairMath.Hash(cx, cy, cz, _mask);
            _hash[i] = h;
            start[(int)h + 1]++;
        }
        for (var c = 1; c < start.Length; c++) start[c] += start[c - 1];
        for (var i = 0; i < n; i++)
        {
            var h = (int)_hash[i];
            _sorted[start[h]++] = i;
        }
        // The scatter advanced each start to its end; shift back by one bucket.
        for (var c = start.Length - 1; c > 0; c--) start[c] = start[c - 1];
        start[0] = 0;
    }

    private void ForcePartition(int part)
    {
        var n = _nodeCount;
        var chunk = (n + _partitions - 1) / _partitions;
        var begin = part * chunk;
        var end = Math.Min(n, begin + chunk);
        for (var i = begin; i < end; i++) NodeForce(i);
    }

    private void NodeForce(int i)
    {
        var g = _graph!;
        var p = _p;
        var ids = g.Ids;
        var x = g.X; var y = g.Y; var z = g.Z;
        var idI = ids[i];
        var np = (idI & LayoutGraph.AgentBit) != 0 ? p.Agent : p.Knowledge;
        float xi = x[i], yi = y[i], zi = z[i];
        float fx = 0, fy = 0, fz = 0;
        var cutoff2 = np.RepulsionCutoff * np.RepulsionCutoff;
        var eps = p.Epsilon;
        var start = _cellStart;
        var sorted = _sorted;
        int cxi = _cx[i], cyi = _cy[i], czi = _cz[i];

        for (var dz = -1; dz <= 1; dz++)
        for (var dy = -1; dy <= 1; dy++)
        for (var dx = -1; dx <= 1; dx++)
        {
            int cx = cxi + dx, cy = cyi + dy, cz = czi + dz;
            var h = (int)PairMath.Hash(cx, cy, cz, _mask);
            for (int k = start[h], kEnd = start[h + 1]; k < kEnd; k++)
            {
                var j = sorted[k];
                // Hash collisions: only count j under the cell it really lives in, so no pair is visited twice.
                if (j == i || _cx[j] != cx || _cy[j] != cy || _cz[j] != cz) continue;
                float ddx = xi - x[j], ddy = yi - y[j], ddz = zi - z[j];
                var d2 = ddx * ddx + ddy * ddy + ddz * ddz;
                if (d2 >= cutoff2) continue;
                var mag = MathF.Min(np.RepelK / (d2 + eps), np.MaxForce);
                if (((idI ^ ids[j]) & LayoutGraph.AgentBit) != 0) mag *= p.CrossGraphRepulsion;
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
        for (int e = offsets[i], eEnd = offsets[i + 1]; e < eEnd; e++)
        {
            var j = targets[e];
            var w = weights[e];
            if (j == i || w == 0f) continue;
            float ddx = x[j] - xi, ddy = y[j] - yi, ddz = z[j] - zi;
            var dist = MathF.Sqrt(ddx * ddx + ddy * ddy + ddz * ddz);
            if (dist < PairMath.MinSpringDistance) continue;
            var f = np.SpringK * (dist - np.RestLength) * w;
            if (((idI ^ ids[j]) & LayoutGraph.AgentBit) != 0) f *= p.CrossGraphSpring;
            var s = f / dist;
            fx += ddx * s; fy += ddy * s; fz += ddz * s;
        }

        fx -= np.CenterGravityK * xi; fy -= np.CenterGravityK * yi; fz -= np.CenterGravityK * zi;

        // Total-force cap keeps huge weights finite; repulsion was already capped per pair.
        var f2 = fx * fx + fy * fy + fz * fz;
        if (f2 > np.MaxForce * np.MaxForce)
        {
            var s = np.MaxForce / MathF.Sqrt(f2);
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
}

using VisionFlow.Physics;

namespace VisionFlow.Physics.Tests;

/// <summary>Deterministic graphs for tests.</summary>
internal static class TestGraphs
{
    /// <summary>n nodes (every fourth an agent), about edgesPerNode·n random edges, spread over a volume that fits n.</summary>
    public static LayoutGraph Random(int n, int edgesPerNode, int seed, float? radius = null)
    {
        var rng = new Random(seed);
        var ids = new uint[n];
        for (var i = 0; i < n; i++) ids[i] = (uint)i | (i % 4 == 3 ? LayoutGraph.AgentBit : 0u);
        var edges = new (int, int, float)[n * edgesPerNode];
        for (var e = 0; e < edges.Length; e++)
        {
            var a = rng.Next(n);
            var b = rng.Next(n - 1);
            if (b >= a) b++;
            edges[e] = (a, b, 0.5f + (float)rng.NextDouble());
        }
        var g = LayoutGraph.FromEdges(ids, edges);
        var r = radius ?? 40f * MathF.Cbrt(n);
        for (var i = 0; i < n; i++)
        {
            g.X[i] = ((float)rng.NextDouble() - 0.5f) * 2 * r;
            g.Y[i] = ((float)rng.NextDouble() - 0.5f) * 2 * r;
            g.Z[i] = ((float)rng.NextDouble() - 0.5f) * 2 * r;
        }
        g.MarkPositionsDirty(0, n);
        return g;
    }

    public static LayoutGraph Clone(LayoutGraph g)
    {
        var c = new LayoutGraph(g.Ids, g.EdgeOffsets, g.EdgeTargets, g.EdgeWeights);
        g.X.CopyTo(c.X); g.Y.CopyTo(c.Y); g.Z.CopyTo(c.Z);
        g.VX.CopyTo(c.VX); g.VY.CopyTo(c.VY); g.VZ.CopyTo(c.VZ);
        for (var i = 0; i < g.NodeCount; i++) if (g.Pinned[i]) c.SetPinned(i, true);
        c.MarkPositionsDirty(0, c.NodeCount);
        return c;
    }

    public static bool AllFinite(LayoutGraph g)
    {
        for (var i = 0; i < g.NodeCount; i++)
        {
            if (!float.IsFinite(g.X[i]) || !float.IsFinite(g.Y[i]) || !float.IsFinite(g.Z[i])
                || !float.IsFinite(g.VX[i]) || !float.IsFinite(g.VY[i]) || !float.IsFinite(g.VZ[i])) return false;
        }
        return true;
    }

    public static float MaxPositionDifference(LayoutGraph a, LayoutGraph b)
    {
        var max = 0f;
        for (var i = 0; i < a.NodeCount; i++)
        {
            max = MathF.Max(max, MathF.Abs(a.X[i] - b.X[i]));
            max = MathF.Max(max, MathF.Abs(a.Y[i] - b.Y[i]));
            max = MathF.Max(max, MathF.Abs(a.Z[i] - b.Z[i]));
        }
        return max;
    }

    public static float Distance(LayoutGraph g, int i, int j)
    {
        float dx = g.X[i] - g.X[j], dy = g.Y[i] - g.Y[j], dz = g.Z[i] - g.Z[j];
        return MathF.Sqrt(dx * dx + dy * dy + dz * dz);
    }

    /// <summary>Spring potential ½·k·w·(d − L)² over edges, counting each undirected edge once.</summary>
    public static double SpringEnergy(LayoutGraph g, NodeForceParameters p)
    {
        double e = 0;
        for (var i = 0; i < g.NodeCount; i++)
        {
            for (var k = g.EdgeOffsets[i]; k < g.EdgeOffsets[i + 1]; k++)
            {
                var j = g.EdgeTargets[k];
                if (j <= i) continue;
                var s = Distance(g, i, j) - p.RestLength;
                e += 0.5 * p.SpringK * g.EdgeWeights[k] * s * s;
            }
        }
        return e;
    }

    /// <summary>Mean edge length vs mean distance of random unconnected pairs.</summary>
    public static (double Connected, double Unconnected) MeanDistances(LayoutGraph g, int seed)
    {
        double connected = 0; var nc = 0;
        var linked = new HashSet<(int, int)>();
        for (var i = 0; i < g.NodeCount; i++)
        {
            for (var k = g.EdgeOffsets[i]; k < g.EdgeOffsets[i + 1]; k++)
            {
                var j = g.EdgeTargets[k];
                if (j == i) continue;
                linked.Add((i, j));
                connected += Distance(g, i, j); nc++;
            }
        }
        var rng = new Random(seed);
        double unconnected = 0; var nu = 0;
        while (nu < 2000)
        {
            int a = rng.Next(g.NodeCount), b = rng.Next(g.NodeCount);
            if (a == b || linked.Contains((a, b))) continue;
            unconnected += Distance(g, a, b); nu++;
        }
        return (connected / nc, unconnected / nu);
    }
}

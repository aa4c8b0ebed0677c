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

    /// <summary>
    /// A swarm: one hub (index 0) joined to <paramref name="members"/> agents, a few member pairs talking, all agents,
    /// the members spread over a cube of half-side <paramref name="radius"/> around the origin or, with
    /// <paramref name="sphere"/>, evenly over a sphere of that radius around the hub.
    /// </summary>
    public static LayoutGraph Swarm(int members, int seed, float radius, bool sphere = false)
    {
        var rng = new Random(seed);
        var n = members + 1;
        var ids = new uint[n];
        for (var i = 0; i < n; i++) ids[i] = (uint)i | LayoutGraph.AgentBit;
        var edges = new List<(int, int, float)>();
        for (var i = 1; i < n; i++) edges.Add((0, i, 1f));
        for (var e = 0; e < members / 4; e++)
        {
            var a = 1 + rng.Next(members);
            var b = 1 + rng.Next(members);
            if (a != b) edges.Add((a, b, 1f));
        }

        var g = LayoutGraph.FromEdges(ids, edges.ToArray());
        for (var i = 1; i < n; i++)
        {
            if (sphere)
            {
                // Fibonacci sphere: even spacing, deterministic.
                var z = 1 - (2 * (i - 0.5f) / members);
                var r = MathF.Sqrt(1 - (z * z));
                var theta = i * 2.3999631f;
                (g.X[i], g.Y[i], g.Z[i]) = (radius * r * MathF.Cos(theta), radius * r * MathF.Sin(theta), radius * z);
            }
            else
            {
                g.X[i] = ((float)rng.NextDouble() - 0.5f) * 2 * radius;
                g.Y[i] = ((float)rng.NextDouble() - 0.5f) * 2 * radius;
                g.Z[i] = ((float)rng.NextDouble() - 0.5f) * 2 * radius;
            }
        }

        g.MarkPositionsDirty(0, n);
        return g;
    }

    /// <summary>Mean distance of nodes 1… from node 0 (a swarm's members from its hub).</summary>
    public static double MeanDistanceFromHub(LayoutGraph g)
    {
        double sum = 0;
        for (var i = 1; i < g.NodeCount; i++) sum += Distance(g, 0, i);
        return sum / (g.NodeCount - 1);
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

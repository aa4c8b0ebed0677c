using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using VisionFlow.Physics;

// Usage: VisionFlow.Physics.CrossCheck NODES EDGES_PER_NODE SEED RADIUS STEPS
// Prints what ran (architecture, SIMD), the step's max speed, then one line per node: id x y z (round-trip floats).
// The graph is built here from a seeded System.Random, whose sequence is the same on every architecture.
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: VisionFlow.Physics.CrossCheck NODES EDGES_PER_NODE SEED RADIUS STEPS");
    return 2;
}

var inv = CultureInfo.InvariantCulture;
var nodes = int.Parse(args[0], inv);
var edgesPerNode = int.Parse(args[1], inv);
var seed = int.Parse(args[2], inv);
var radius = float.Parse(args[3], inv);
var steps = int.Parse(args[4], inv);

var graph = FixedGraph.Create(nodes, edgesPerNode, seed, radius);
using var cpu = new CpuLayoutBackend();
var speed = cpu.Step(graph, PhysicsParameters.Default, steps);

using var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
output.WriteLine(string.Create(inv, $"arch {RuntimeInformation.ProcessArchitecture} simd {Vector.IsHardwareAccelerated} vector128 {Vector128.IsHardwareAccelerated} vector-bytes {Vector<byte>.Count} device {cpu.DeviceName}"));
output.WriteLine(string.Create(inv, $"speed {speed:R}"));
for (var i = 0; i < graph.NodeCount; i++)
{
    output.WriteLine(string.Create(inv, $"{graph.Ids[i]} {graph.X[i]:R} {graph.Y[i]:R} {graph.Z[i]:R}"));
}

return 0;

/// <summary>n nodes (every fourth an agent), edgesPerNode·n random weighted edges, placed in a cube of the given half-size.</summary>
internal static class FixedGraph
{
    public static LayoutGraph Create(int n, int edgesPerNode, int seed, float radius)
    {
        var rng = new Random(seed);
        var ids = new uint[n];
        for (var i = 0; i < n; i++)
        {
            ids[i] = (uint)i | (i % 4 == 3 ? LayoutGraph.AgentBit : 0u);
        }

        var edges = new (int, int, float)[n * edgesPerNode];
        for (var e = 0; e < edges.Length; e++)
        {
            var a = rng.Next(n);
            var b = rng.Next(n - 1);
            if (b >= a)
            {
                b++;
            }

            edges[e] = (a, b, 0.5f + (float)rng.NextDouble());
        }

        var g = LayoutGraph.FromEdges(ids, edges);
        for (var i = 0; i < n; i++)
        {
            g.X[i] = ((float)rng.NextDouble() - 0.5f) * 2 * radius;
            g.Y[i] = ((float)rng.NextDouble() - 0.5f) * 2 * radius;
            g.Z[i] = ((float)rng.NextDouble() - 0.5f) * 2 * radius;
        }

        g.MarkPositionsDirty(0, n);
        return g;
    }
}

using System.Runtime.InteropServices;
using VisionFlow.Physics.Loop;

namespace VisionFlow.Server.Graph;

/// <summary>
/// The graph's seam to physics: hands over only what a build changed for the layout — the topology when nodes or edges
/// came or went, the weights that moved when only they did, nothing at all otherwise — so an agent's status or CPU
/// changing costs physics nothing, and a settled layout stays at rest.
/// </summary>
/// <remarks>
/// The dual graph is still rebuilt in full on every change, so the difference is found here, against the last build
/// handed over: one vectorized compare when nothing changed, one pass over the edges when something did, no allocation
/// in steady state. Once the graph applies change sets, it hands its topology changes to
/// <see cref="PhysicsLoop.SubmitTopology"/> and its weight changes (by node ids) to <see cref="PhysicsLoop.SubmitWeights"/>
/// directly, attribute changes never reach physics, and this comparison goes. Single owner: the graph service's build
/// loop.
/// </remarks>
internal sealed class PhysicsFeed(PhysicsLoop physics)
{
    private uint[] _ids = [];
    private int _nodeCount = -1; // nothing handed over yet
    private (int A, int B, float Weight)[] _edges = [];
    private int _edgeCount;
    private (uint A, uint B, float Weight)[] _changes = [];

    /// <summary>Hands physics what changed since the last build: <paramref name="ids"/> and edges as index pairs into them.</summary>
    public LayoutChange Hand(ReadOnlySpan<uint> ids, ReadOnlySpan<(int A, int B, float Weight)> edges)
    {
        // The common case first, as one vectorized compare of bytes: nothing changed at all.
        if (ids.Length == _nodeCount && edges.Length == _edgeCount && ids.SequenceEqual(_ids.AsSpan(0, _nodeCount))
            && MemoryMarshal.AsBytes(edges).SequenceEqual(MemoryMarshal.AsBytes(_edges.AsSpan(0, _edgeCount))))
        {
            return LayoutChange.None;
        }

        if (!SameTopology(ids, edges))
        {
            physics.SubmitTopology(ids, edges);
            Grow(ref _ids, ids.Length);
            ids.CopyTo(_ids);
            _nodeCount = ids.Length;
            Grow(ref _edges, edges.Length);
            edges.CopyTo(_edges);
            _edgeCount = edges.Length;
            return LayoutChange.Topology;
        }

        var last = _edges.AsSpan(0, _edgeCount);
        var changed = 0;
        for (var e = 0; e < edges.Length; e++)
        {
            var (a, b, weight) = edges[e];
            if (weight.Equals(last[e].Weight))
            {
                continue;
            }

            last[e].Weight = weight;
            Grow(ref _changes, changed + 1);
            _changes[changed++] = (ids[a], ids[b], weight);
        }

        if (changed == 0)
        {
            return LayoutChange.None;
        }

        physics.SubmitWeights(_changes.AsSpan(0, changed));
        return LayoutChange.Weights;
    }

    private bool SameTopology(ReadOnlySpan<uint> ids, ReadOnlySpan<(int A, int B, float Weight)> edges)
    {
        if (ids.Length != _nodeCount || edges.Length != _edgeCount || !ids.SequenceEqual(_ids.AsSpan(0, _nodeCount)))
        {
            return false;
        }

        var last = _edges.AsSpan(0, _edgeCount);
        for (var e = 0; e < edges.Length; e++)
        {
            if (edges[e].A != last[e].A || edges[e].B != last[e].B)
            {
                return false;
            }
        }

        return true;
    }

    private static void Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[Math.Max(length, buffer.Length * 2)];
        }
    }
}

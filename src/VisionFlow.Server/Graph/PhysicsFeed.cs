using System.Runtime.InteropServices;
using VisionFlow.Physics.Loop;

namespace VisionFlow.Server.Graph;

/// <summary>
/// The graph's seam to physics: hands over only what changed for the layout — the topology when nodes or edges came or
/// went (<see cref="Hand"/>), the weights that moved when only they did (<see cref="HandWeights"/>), nothing at all
/// otherwise — so an agent's status or CPU changing costs physics nothing, and a settled layout stays at rest.
/// </summary>
/// <remarks>
/// The graph applies change sets, so it knows which kind of change it has; <see cref="Hand"/> still compares a new
/// topology with the last one handed over (one vectorized compare) so that a reload that changes nothing — the same notes
/// again, an agent that went and came back in one batch — does not cost physics a CSR rebuild. Single owner: the graph
/// service's loop.
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

    /// <summary>New weights of edges already handed over, by node ids; nothing when empty.</summary>
    public LayoutChange HandWeights(ReadOnlySpan<(uint A, uint B, float Weight)> changes)
    {
        if (changes.IsEmpty)
        {
            return LayoutChange.None;
        }

        physics.SubmitWeights(changes);
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

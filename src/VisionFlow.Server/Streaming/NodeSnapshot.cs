namespace VisionFlow.Server.Streaming;

/// <summary>
/// An immutable picture of every node's position and velocity at one physics step, in the physics loop's own layout
/// (so publishing it copies nothing). Swapped atomically, so stream readers never lock the physics hot path.
/// </summary>
/// <param name="Ids">Node ids; bit 31 set = agent node.</param>
/// <param name="State">x, y, z, vx, vy, vz per node, in the order of <paramref name="Ids"/>.</param>
/// <param name="TopologyVersion">Changes whenever the node set or index order changes.</param>
/// <param name="Sequence">Strictly increasing per published snapshot.</param>
public sealed record NodeSnapshot(ReadOnlyMemory<uint> Ids, ReadOnlyMemory<float> State, long TopologyVersion, long Sequence)
{
    /// <summary>Floats per node in <see cref="State"/>.</summary>
    public const int Stride = 6;

    /// <summary>The snapshot with no nodes.</summary>
    public static NodeSnapshot Empty { get; } = new(ReadOnlyMemory<uint>.Empty, ReadOnlyMemory<float>.Empty, 0, 0);

    /// <summary>Number of nodes.</summary>
    public int Count => Ids.Length;
}

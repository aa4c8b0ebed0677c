namespace VisionFlow.Server.Streaming;

/// <summary>
/// An immutable picture of every node's position and velocity at one physics step, in the physics loop's own layout
/// (so publishing it copies nothing). Swapped atomically, so stream readers never lock the physics hot path.
/// </summary>
/// <param name="Ids">Node ids; bit 31 set = agent node.</param>
/// <param name="State">x, y, z, vx, vy, vz per node, in the order of <paramref name="Ids"/>.</param>
/// <param name="TopologyVersion">Changes whenever the node set or index order changes.</param>
/// <param name="Sequence">Strictly increasing per published snapshot.</param>
/// <remarks>
/// When it wraps physics output (<see cref="Source"/> set), <see cref="State"/> lives in a recycled buffer: read it only
/// between <see cref="TryAcquire"/> and <see cref="Release"/>.
/// </remarks>
internal sealed record NodeSnapshot(ReadOnlyMemory<uint> Ids, ReadOnlyMemory<float> State, long TopologyVersion, long Sequence)
{
    /// <summary>The physics snapshot whose buffer <see cref="State"/> is; null when the memory is not recycled.</summary>
    internal Physics.Loop.PositionSnapshot? Source { get; init; }

    /// <summary>Keeps <see cref="State"/> from being recycled until <see cref="Release"/>; false when it already was.</summary>
    internal bool TryAcquire() => Source?.TryAcquire() ?? true;

    /// <summary>Gives back what <see cref="TryAcquire"/> took.</summary>
    internal void Release() => Source?.Release();

    /// <summary>Floats per node in <see cref="State"/>.</summary>
    public const int Stride = 6;

    /// <summary>The snapshot with no nodes.</summary>
    public static NodeSnapshot Empty { get; } = new(ReadOnlyMemory<uint>.Empty, ReadOnlyMemory<float>.Empty, 0, 0);

    /// <summary>Number of nodes.</summary>
    public int Count => Ids.Length;
}

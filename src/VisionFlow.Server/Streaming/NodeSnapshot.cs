namespace VisionFlow.Server.Streaming;

/// <summary>
/// An immutable picture of every node's position and velocity at one physics step. Published whole and swapped
/// atomically, so stream readers never lock the physics hot path.
/// </summary>
/// <param name="Ids">Node ids; bit 31 set = agent node.</param>
/// <param name="Positions">x, y, z per node, interleaved (3 × <paramref name="Count"/>).</param>
/// <param name="Velocities">vx, vy, vz per node, interleaved.</param>
/// <param name="Count">Number of valid nodes (arrays may be longer).</param>
/// <param name="TopologyVersion">Changes whenever the node set or index order changes.</param>
/// <param name="Sequence">Strictly increasing per published snapshot.</param>
public sealed record NodeSnapshot(uint[] Ids, float[] Positions, float[] Velocities, int Count, long TopologyVersion, long Sequence)
{
    /// <summary>The snapshot with no nodes.</summary>
    public static NodeSnapshot Empty { get; } = new([], [], [], 0, 0, 0);
}

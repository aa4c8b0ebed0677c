namespace VisionFlow.Physics.Loop;

/// <summary>
/// Positions published at the stream rate. Immutable once published: <see cref="State"/> holds six floats per node
/// (x, y, z, vx, vy, vz) in the order of <see cref="Ids"/>, which is the WebSocket record minus the id.
/// </summary>
public sealed class PositionSnapshot
{
    internal PositionSnapshot(long sequence, long topologyVersion, uint[] ids, float[] state, DateTimeOffset at)
    {
        Sequence = sequence;
        TopologyVersion = topologyVersion;
        Ids = ids;
        State = state;
        At = at;
    }

    /// <summary>An empty snapshot (no graph yet).</summary>
    public static PositionSnapshot Empty { get; } = new(0, 0, [], [], DateTimeOffset.MinValue);

    /// <summary>Increases with every publication.</summary>
    public long Sequence { get; }

    /// <summary>The topology version the ids belong to.</summary>
    public long TopologyVersion { get; }

    /// <summary>Node ids (bit 31 = agent).</summary>
    public ReadOnlyMemory<uint> Ids { get; }

    /// <summary>x, y, z, vx, vy, vz per node.</summary>
    public ReadOnlyMemory<float> State { get; }

    /// <summary>When it was read back.</summary>
    public DateTimeOffset At { get; }

    /// <summary>Number of nodes.</summary>
    public int Count => Ids.Length;
}

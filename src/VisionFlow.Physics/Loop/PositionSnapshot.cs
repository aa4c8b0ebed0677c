namespace VisionFlow.Physics.Loop;

/// <summary>
/// Positions published at the stream rate: <see cref="State"/> holds six floats per node (x, y, z, vx, vy, vz) in the
/// order of <see cref="Ids"/>, which is the WebSocket record minus the id.
/// </summary>
/// <remarks>
/// The state lives in a recycled buffer. A snapshot read from <see cref="PhysicsLoop.Positions"/> is never recycled (it
/// stays immutable for whoever holds it). One received through <see cref="PhysicsLoop.PositionsPublished"/> is valid
/// during the callback; to read it later, take a reference with <see cref="TryAcquire"/> and give it back with
/// <see cref="Release"/>, after which the buffer may carry a newer snapshot.
/// </remarks>
public sealed class PositionSnapshot
{
    private readonly PositionBufferPool? _pool;
    private float[]? _buffer;

    // The loop holds one reference while this is its current snapshot; readers add theirs.
    private int _references = 1;
    private int _escaped;

    internal PositionSnapshot(long sequence, long topologyVersion, uint[] ids, float[] state, DateTimeOffset at, PositionBufferPool? pool = null, bool settled = false)
    {
        Settled = settled;
        Sequence = sequence;
        TopologyVersion = topologyVersion;
        Ids = ids;
        State = state;
        At = at;
        _pool = pool;
        _buffer = pool is null ? null : state;
    }

    /// <summary>An empty snapshot (no graph yet).</summary>
    public static PositionSnapshot Empty { get; } = new(0, 0, [], [], DateTimeOffset.MinValue);

    /// <summary>Increases with every publication.</summary>
    public long Sequence { get; }

    /// <summary>The layout has come to rest: no further snapshot follows until something changes.</summary>
    public bool Settled { get; }

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

    /// <summary>Takes a reference that keeps <see cref="State"/> from being recycled; false when it already was (read a newer snapshot).</summary>
    public bool TryAcquire()
    {
        if (_pool is null)
        {
            return true;
        }

        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>Gives back a reference taken with <see cref="TryAcquire"/>.</summary>
    public void Release()
    {
        if (_pool is not null && Interlocked.Decrement(ref _references) == 0 && Volatile.Read(ref _escaped) == 0
            && Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            _pool.Return(buffer);
        }
    }

    /// <summary>Handed out without a reference: its buffer is never recycled and is left to the GC.</summary>
    internal void Escape() => Volatile.Write(ref _escaped, 1);
}

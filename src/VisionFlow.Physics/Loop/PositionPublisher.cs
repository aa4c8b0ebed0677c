namespace VisionFlow.Physics.Loop;

/// <summary>
/// Turns the layout's arrays into immutable <see cref="PositionSnapshot"/>s for readers: six floats per node in a
/// recycled buffer, the ids shared between snapshots of one topology, the newest swapped in atomically and announced to
/// subscribers. One writer (the loop's tick); any number of readers.
/// </summary>
internal sealed class PositionPublisher(TimeProvider time)
{
    private readonly PositionBufferPool _stateBuffers = new();
    private uint[] _publishedIds = [];
    private long _sequence;
    private PositionSnapshot _positions = PositionSnapshot.Empty;

    /// <summary>Raised on the writer's thread after a snapshot is published.</summary>
    public event Action<PositionSnapshot>? Published;

    /// <summary>Topology version of the newest snapshot; -1 before the first.</summary>
    public long TopologyVersion { get; private set; } = -1;

    /// <summary>State buffers created so far (stays small: they are recycled).</summary>
    public int BuffersCreated => _stateBuffers.Created;

    /// <summary>The newest snapshot, handed out for good (its buffer is never recycled).</summary>
    public PositionSnapshot Positions
    {
        get
        {
            // Taken with a reference so it cannot be recycled while it is marked as escaped; a failed take means a newer one
            // replaced it in between.
            while (true)
            {
                var positions = Volatile.Read(ref _positions);
                if (positions.TryAcquire())
                {
                    positions.Escape();
                    positions.Release();
                    return positions;
                }
            }
        }
    }

    /// <summary>Publishes <paramref name="graph"/>'s host arrays, which must be current (read back).</summary>
    public void Publish(LayoutGraph graph, bool settled)
    {
        var n = graph.NodeCount;
        var state = _stateBuffers.Rent(n * 6);
        ReadOnlySpan<float> x = graph.X, y = graph.Y, z = graph.Z, vx = graph.VX, vy = graph.VY, vz = graph.VZ;
        for (var i = 0; i < n; i++)
        {
            var o = i * 6;
            state[o] = x[i]; state[o + 1] = y[i]; state[o + 2] = z[i];
            state[o + 3] = vx[i]; state[o + 4] = vy[i]; state[o + 5] = vz[i];
        }

        // Ids only change with the topology, so consecutive snapshots share one immutable copy.
        if (TopologyVersion != graph.TopologyVersion || _publishedIds.Length != n)
        {
            _publishedIds = graph.Ids.ToArray();
            TopologyVersion = graph.TopologyVersion;
        }

        var snapshot = new PositionSnapshot(++_sequence, graph.TopologyVersion, _publishedIds, state, time.GetUtcNow(), _stateBuffers, settled);
        var previous = _positions;
        Volatile.Write(ref _positions, snapshot);
        Published?.Invoke(snapshot);
        previous.Release();
    }
}

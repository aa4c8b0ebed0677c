using System.Buffers;

namespace VisionFlow.Server.Streaming;

/// <summary>
/// What one client was last sent, so its next frame carries only nodes that moved more than the threshold since
/// then. Memory is bounded by the node count: one position triple per node plus one reusable output buffer.
/// When the node set changes (a task hub opens or closes, an agent comes or goes) what was sent is carried over by
/// node id: the frame carries the new nodes and those that moved, and <see cref="Removed"/> lists the nodes that went
/// (the session's <c>topology</c> notice tells the client). Only the first frame, and one the client asks for, is
/// complete: at 10,000 agents hubs open and close several times a second, and each used to cost a complete frame
/// (~270 KB) per viewer.
/// </summary>
internal sealed class ClientFrameState : IDisposable
{
    private readonly float _thresholdSquared;
    private readonly Dictionary<uint, int> _previousIndex = []; // node id -> its index in the last frame, while remapping
    private float[] _lastSent = [];
    private float[] _spare = [];
    private byte[] _buffer = [];
    private long _topologyVersion = -1;
    private uint[] _ids = []; // the nodes of the last frame, in its order
    private uint[] _removed = [];
    private int _removedCount;
    private bool _completeRequested = true;

    public ClientFrameState(float threshold)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threshold);
        _thresholdSquared = threshold * threshold;
    }

    /// <summary>Whether the last frame encoded was complete (the client replaces what it drew).</summary>
    public bool LastWasComplete { get; private set; }

    /// <summary>The nodes of the frame before the last one that the last one no longer has (empty after a complete frame).</summary>
    public ReadOnlySpan<uint> Removed => _removed.AsSpan(0, _removedCount);

    private long _nextFrameAt; // the stream rate's theoretical time of the next frame (timestamp); 0 before the first

    /// <summary>
    /// How long the client's rate asks the next frame to wait, at <paramref name="now"/> (a timestamp of
    /// <paramref name="frequency"/> ticks a second); <see cref="TimeSpan.Zero"/>: it may go now.
    /// </summary>
    /// <remarks>
    /// A frame may come up to half an interval before its time as long as the frames average no more than the rate (the
    /// generic cell rate algorithm: a theoretical time that moves on an interval per frame, with half an interval of
    /// tolerance). The physics loop publishes at the same 60 Hz as the highest rate, with the timer's jitter: a plain
    /// "an interval since the last frame" held a frame that came 15 ms after the last back for 1.7 ms, and each hold
    /// armed a timer, woke the timer thread and then the session again (three thread wake-ups) for nothing a viewer sees.
    /// </remarks>
    public TimeSpan FrameWait(long now, TimeSpan interval, long frequency)
    {
        if (_nextFrameAt == 0) return TimeSpan.Zero;
        var early = TimeSpan.FromSeconds((_nextFrameAt - now) / (double)frequency) - (interval / 2);
        return early > TimeSpan.Zero ? early : TimeSpan.Zero;
    }

    /// <summary>A frame went (or was encoded to nothing) at <paramref name="now"/>: the next one's time moves on an interval.</summary>
    public void FrameSent(long now, TimeSpan interval, long frequency) =>
        _nextFrameAt = Math.Max(now, _nextFrameAt) + (long)(interval.TotalSeconds * frequency);

    /// <summary>Sequence of the last snapshot encoded for this client.</summary>
    public long LastSequence { get; private set; } = -1;

    /// <summary>Forces the next frame to be complete (after connect, or a client request).</summary>
    public void RequestComplete() => _completeRequested = true;

    /// <summary>
    /// Whether <paramref name="snapshot"/>'s nodes, or their order, differ from those of the last frame encoded: only then
    /// is the next frame complete. A new topology that only moved edges (a conversation's flow entering the layout, a
    /// hub's membership) keeps every node where it was, so the client's frame stays a delta.
    /// </summary>
    public bool NodesChanged(NodeSnapshot snapshot) =>
        snapshot.TopologyVersion != _topologyVersion && !snapshot.Ids.Span.SequenceEqual(_ids);

    /// <summary>
    /// Encodes the frame for <paramref name="snapshot"/>: complete when the client has nothing valid or asked for it,
    /// otherwise the nodes that are new to it and those that moved. Returns the bytes to send (empty when nothing moved);
    /// the memory is valid until the next call.
    /// </summary>
    public ReadOnlyMemory<byte> Encode(NodeSnapshot snapshot)
    {
        var count = snapshot.Count;
        var ids = snapshot.Ids.Span;
        var complete = _completeRequested || (_lastSent.Length < count * 3 && !NodesChanged(snapshot));
        _removedCount = 0;
        if (complete)
        {
            EnsureLastSent(count);
        }
        else if (NodesChanged(snapshot))
        {
            CarryOver(ids);
        }

        EnsureBuffer(count);
        var state = snapshot.State.Span[..(count * NodeSnapshot.Stride)];
        var last = _lastSent.AsSpan(0, count * 3);
        var output = _buffer.AsSpan();
        var written = 0;

        for (var i = 0; i < count; i++)
        {
            var p = state.Slice(i * NodeSnapshot.Stride, 3);
            var l = last.Slice(i * 3, 3);
            if (!complete)
            {
                // A node new to this client was carried over as infinitely far, so it is always sent.
                float dx = p[0] - l[0], dy = p[1] - l[1], dz = p[2] - l[2];
                // NaN never moves "enough": a broken position is not streamed as a change.
                if (!(dx * dx + dy * dy + dz * dz > _thresholdSquared))
                {
                    continue;
                }
            }

            NodeFrameEncoder.WriteRecord(output.Slice(written, NodeFrameEncoder.RecordSize), ids[i], p, state.Slice((i * NodeSnapshot.Stride) + 3, 3));
            p.CopyTo(l);
            written += NodeFrameEncoder.RecordSize;
        }

        if (snapshot.TopologyVersion != _topologyVersion)
        {
            _topologyVersion = snapshot.TopologyVersion;
            if (!ids.SequenceEqual(_ids))
            {
                _ids = ids.ToArray();
            }
        }

        _completeRequested = false;
        LastWasComplete = complete;
        LastSequence = snapshot.Sequence;
        return _buffer.AsMemory(0, written);
    }

    /// <summary>
    /// What was sent, re-indexed by node id to <paramref name="ids"/>' order: a node new to the client is infinitely far
    /// from anything sent (so it goes in the frame), and the last frame's nodes that are gone are <see cref="Removed"/>.
    /// </summary>
    private void CarryOver(ReadOnlySpan<uint> ids)
    {
        _previousIndex.Clear();
        _previousIndex.EnsureCapacity(_ids.Length);
        for (var j = 0; j < _ids.Length; j++)
        {
            _previousIndex[_ids[j]] = j;
        }

        if (_spare.Length < ids.Length * 3)
        {
            _spare = new float[Math.Max(ids.Length * 3, _lastSent.Length)];
        }

        var previous = _lastSent;
        var next = _spare;
        for (var i = 0; i < ids.Length; i++)
        {
            if (_previousIndex.Remove(ids[i], out var j))
            {
                previous.AsSpan(j * 3, 3).CopyTo(next.AsSpan(i * 3, 3));
            }
            else
            {
                next.AsSpan(i * 3, 3).Fill(float.PositiveInfinity);
            }
        }

        if (_removed.Length < _previousIndex.Count)
        {
            _removed = new uint[_previousIndex.Count];
        }

        foreach (var id in _previousIndex.Keys)
        {
            _removed[_removedCount++] = id;
        }

        _lastSent = next;
        _spare = previous;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void EnsureLastSent(int count)
    {
        if (_lastSent.Length < count * 3)
        {
            _lastSent = new float[count * 3];
        }
    }

    private void EnsureBuffer(int count)
    {
        var bytes = count * NodeFrameEncoder.RecordSize;
        if (_buffer.Length < bytes)
        {
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }

            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bytes, 1024));
        }
    }
}

using System.Buffers;

namespace VisionFlow.Server.Streaming;

/// <summary>
/// What one client was last sent, so its next frame carries only nodes that moved more than the threshold since
/// then. Memory is bounded by the node count: one position triple per node plus one reusable output buffer.
/// </summary>
internal sealed class ClientFrameState : IDisposable
{
    private readonly float _thresholdSquared;
    private float[] _lastSent = [];
    private byte[] _buffer = [];
    private long _topologyVersion = -1;
    private uint[] _ids = []; // the nodes of the last frame, in its order
    private bool _completeRequested = true;

    public ClientFrameState(float threshold)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threshold);
        _thresholdSquared = threshold * threshold;
    }

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
    /// Encodes the frame for <paramref name="snapshot"/>: complete when the client has nothing valid, otherwise only moved
    /// nodes. Returns the bytes to send (empty when nothing moved); the memory is valid until the next call.
    /// </summary>
    public ReadOnlyMemory<byte> Encode(NodeSnapshot snapshot)
    {
        var count = snapshot.Count;
        var complete = _completeRequested || _lastSent.Length < count * 3 || NodesChanged(snapshot);
        EnsureCapacity(count);
        var ids = snapshot.Ids.Span;
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
            _ids = ids.ToArray();
        }

        _completeRequested = false;
        LastSequence = snapshot.Sequence;
        return _buffer.AsMemory(0, written);
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void EnsureCapacity(int count)
    {
        if (_lastSent.Length < count * 3)
        {
            _lastSent = new float[count * 3];
        }

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

using VisionFlow.History.Format;

namespace VisionFlow.History.Recording;

/// <summary>One frame's worth of encoded records on its way to the disk. A fixed set of these circulates between the
/// recorder and its writer loop, which is what keeps memory flat under a flood.</summary>
internal sealed class HistoryBlock
{
    public HistoryBlock(int capacity) => Buffer = new RecordBuffer(capacity);

    public RecordBuffer Buffer { get; }

    public FrameKind Kind { get; set; } = FrameKind.Changes;

    public long FirstMicros { get; set; }

    public long LastMicros { get; set; }

    /// <summary>Records other than moments.</summary>
    public int Records { get; set; }

    /// <summary>Start a new segment with this block (always a keyframe).</summary>
    public bool NewSegment { get; set; }

    /// <summary>A keyframe that re-establishes the state after a pause: the writer tries it even while paused.</summary>
    public bool Resume { get; set; }

    /// <summary>Order in which blocks were sealed (what <c>FlushAsync</c> waits for).</summary>
    public long Sequence { get; set; }

    public bool IsEmpty => Buffer.Length == 0;

    public void Reset()
    {
        Buffer.Reset();
        Kind = FrameKind.Changes;
        FirstMicros = LastMicros = 0;
        Records = 0;
        NewSegment = Resume = false;
    }
}

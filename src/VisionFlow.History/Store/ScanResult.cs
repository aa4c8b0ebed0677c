using VisionFlow.History.Format;

namespace VisionFlow.History.Store;

/// <summary>What scanning a history file found: its header's verdict, the index of its whole frames, and whether bytes follow them.</summary>
internal sealed record ScanResult(FileHeaderStatus Status, SegmentIndex? Index, long FileLength, TornTail? Tail)
{
    /// <summary>Bytes after the last whole frame (0 when the file ends cleanly).</summary>
    public long TornBytes => Index is null ? 0 : FileLength - Index.Length;
}

/// <summary>Where the whole frames stop, and why: the frame header found there (when it reads) and what is wrong with it.</summary>
internal sealed record TornTail(long Offset, FrameHeader? Header, string Reason);

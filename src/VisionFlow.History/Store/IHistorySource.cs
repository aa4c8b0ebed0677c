using VisionFlow.History.Model;

namespace VisionFlow.History.Store;

/// <summary>What the queries read: the store's segments, or a recording file's one (and what was salvaged from its cut last frame).</summary>
internal interface IHistorySource
{
    /// <summary>The segments, oldest first.</summary>
    IReadOnlyList<SegmentSnapshot> Snapshot();

    /// <summary>Whole records recovered after the last whole frame (a truncated recording's), in order; else empty.</summary>
    IReadOnlyList<HistoryRecord> Tail { get; }
}

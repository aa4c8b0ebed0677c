namespace VisionFlow.History.Query;

/// <summary>What a store or recording holds: its first and last moment (null when empty), bytes, events (changes and
/// events recorded, keyframes not counted) and segment files.</summary>
public sealed record HistorySummary(DateTimeOffset? First, DateTimeOffset? Last, long Bytes, long Events, int Segments);

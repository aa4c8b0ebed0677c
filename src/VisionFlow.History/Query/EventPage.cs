using VisionFlow.History.Model;

namespace VisionFlow.History.Query;

/// <summary>One page of events, oldest first; <paramref name="Next"/> is the cursor of the next page (null on the last).</summary>
public sealed record EventPage(IReadOnlyList<HistoryRecord> Events, string? Next);

using VisionFlow.History.State;

namespace VisionFlow.History.Query;

/// <summary>The answer to "what was it like at T": the outcome, the state (null before the first record or when empty), and the recorded range.</summary>
public sealed record StateAtResult(StateAtOutcome Outcome, HistoryStateView? State, DateTimeOffset? First, DateTimeOffset? Last);

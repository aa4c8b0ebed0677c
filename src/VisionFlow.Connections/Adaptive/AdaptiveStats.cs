namespace VisionFlow.Connections.Adaptive;

/// <summary>An immutable reading of the adaptive tuner: which rules are in force, counters, recent changes (oldest first).</summary>
internal sealed record AdaptiveStats(
    bool HighLatencyRuleActive,
    bool HighErrorRateRuleActive,
    int PoolMaxConnections,
    int PoolBaselineMaxConnections,
    long Evaluations,
    long Changes,
    AdaptiveInputs? LastInputs,
    IReadOnlyList<AdaptiveChange> RecentChanges);

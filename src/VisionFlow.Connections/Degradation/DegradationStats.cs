namespace VisionFlow.Connections.Degradation;

/// <summary>An immutable reading of the degradation manager.</summary>
internal sealed record DegradationStats(
    DegradationLevel Level,
    DegradationResponse Response,
    DateTimeOffset Since,
    TimeSpan TimeInLevel,
    long TransitionCount,
    IReadOnlyList<DegradationChange> History)
{
    /// <summary>The level's snake_case name (<c>degradation_level</c> in the health API).</summary>
    public string LevelName => DegradationLevelNames.ToSnakeCase(Level);
}

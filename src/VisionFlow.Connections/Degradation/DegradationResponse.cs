namespace VisionFlow.Connections.Degradation;

/// <summary>What is switched on at a degradation level, and the message shown to users.</summary>
public sealed record DegradationResponse(
    DegradationLevel Level,
    bool AgentGraphEnabled,
    bool KnowledgeGraphEnabled,
    bool RealTimeUpdates,
    PerformanceMode PerformanceMode,
    string Message)
{
    private static readonly DegradationResponse[] Table =
    [
        new(DegradationLevel.FullyOperational, true, true, true, PerformanceMode.Standard, "All systems operational"),
        new(DegradationLevel.PartialDegradation, false, true, true, PerformanceMode.Standard, "Agent visualization temporarily unavailable"),
        new(DegradationLevel.EmergencyMode, false, true, false, PerformanceMode.Reduced, "Running in emergency mode"),
        new(DegradationLevel.SafeMode, false, false, false, PerformanceMode.Minimal, "System in safe mode"),
    ];

    /// <summary>The fixed response for a level (the shared README's degradation table).</summary>
    public static DegradationResponse For(DegradationLevel level) => Table[(int)level];

    /// <summary>The level's snake_case name as the health API writes it.</summary>
    public string LevelName => DegradationLevelNames.ToSnakeCase(Level);
}

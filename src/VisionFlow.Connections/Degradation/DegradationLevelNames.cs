namespace VisionFlow.Connections.Degradation;

/// <summary>snake_case names of levels and modes, as the health API and browser notices write them.</summary>
internal static class DegradationLevelNames
{
    /// <summary><c>fully_operational</c>, <c>partial_degradation</c>, <c>emergency_mode</c> or <c>safe_mode</c>.</summary>
    public static string ToSnakeCase(DegradationLevel level) => level switch
    {
        DegradationLevel.FullyOperational => "fully_operational",
        DegradationLevel.PartialDegradation => "partial_degradation",
        DegradationLevel.EmergencyMode => "emergency_mode",
        DegradationLevel.SafeMode => "safe_mode",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown degradation level"),
    };

    /// <summary><c>standard</c>, <c>reduced</c> or <c>minimal</c>.</summary>
    public static string ToSnakeCase(PerformanceMode mode) => mode switch
    {
        PerformanceMode.Standard => "standard",
        PerformanceMode.Reduced => "reduced",
        PerformanceMode.Minimal => "minimal",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown performance mode"),
    };
}

namespace VisionFlow.Connections.Degradation;

/// <summary>How hard the renderer/physics should work at a degradation level.</summary>
public enum PerformanceMode
{
    /// <summary>Normal rates.</summary>
    Standard,

    /// <summary>Lower rates.</summary>
    Reduced,

    /// <summary>The least that keeps the page alive.</summary>
    Minimal,
}

namespace VisionFlow.Physics.Loop;

/// <summary>How hard the physics loop works; set from outside (degradation level).</summary>
public enum PerformanceMode
{
    /// <summary>60 Hz, one step per tick.</summary>
    Standard,

    /// <summary>30 Hz, one step per tick.</summary>
    Reduced,

    /// <summary>5 Hz, one step per tick: the layout barely moves but stays live.</summary>
    Minimal,
}

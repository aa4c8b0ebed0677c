namespace VisionFlow.Physics.Loop;

/// <summary>Which backend the physics loop should run.</summary>
public enum BackendPreference
{
    /// <summary>Vulkan on a hardware (discrete, integrated or virtual) GPU; the CPU path otherwise, including when the only Vulkan device is a software one such as lavapipe, which shares the same cores and is slower than the SIMD path.</summary>
    Auto,

    /// <summary>Vulkan on any device, lavapipe included; the CPU path only when Vulkan fails.</summary>
    Vulkan,

    /// <summary>The CPU path only.</summary>
    Cpu,
}

namespace VisionFlow.Physics;

/// <summary>Which implementation runs the layout.</summary>
public enum LayoutBackendKind
{
    /// <summary>The SIMD/parallel CPU reference path.</summary>
    Cpu,

    /// <summary>GLSL compute shaders through Vulkan.</summary>
    Vulkan,
}

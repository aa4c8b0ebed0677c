namespace VisionFlow.Physics;

/// <summary>One force-layout implementation. Not thread-safe: the physics loop is its single owner.</summary>
internal interface ILayoutBackend : IDisposable
{
    /// <summary>CPU or Vulkan.</summary>
    LayoutBackendKind Kind { get; }

    /// <summary>Human-readable device ("llvmpipe (LLVM 15...)", "CPU ×2").</summary>
    string DeviceName { get; }

    /// <summary>
    /// Runs <paramref name="iterations"/> steps, first taking in the graph's topology (if its version changed) and its
    /// dirty position range. Returns the largest node speed reached during these steps. The graph's position arrays are only
    /// guaranteed current after <see cref="ReadBack"/>.
    /// </summary>
    float Step(LayoutGraph graph, PhysicsParameters parameters, int iterations);

    /// <summary>Copies the backend's positions and velocities into the graph's arrays.</summary>
    void ReadBack(LayoutGraph graph);
}

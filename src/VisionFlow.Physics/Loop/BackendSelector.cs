using Microsoft.Extensions.Logging;
using VisionFlow.Physics.Vulkan;

namespace VisionFlow.Physics.Loop;

/// <summary>
/// Which backend runs the layout, and why: Vulkan when asked for and it comes up (on <see cref="BackendPreference.Auto"/>
/// only a hardware device; a software one such as lavapipe runs on the same cores, slower than the SIMD path), the CPU
/// path otherwise, and the CPU path again when a running Vulkan device fails. Never throws: a box without a GPU or a
/// loader still lays out.
/// </summary>
internal sealed class BackendSelector(BackendPreference preference, Func<ILayoutBackend> vulkanFactory, ILogger logger)
{
    /// <summary>Why the CPU path runs instead of Vulkan; null while Vulkan runs.</summary>
    public string? FallbackReason { get; private set; }

    /// <summary>Brings up the backend the preference asks for, or the CPU path with a <see cref="FallbackReason"/>.</summary>
    public ILayoutBackend Select()
    {
        if (preference == BackendPreference.Cpu)
        {
            FallbackReason = "Vulkan not requested";
            return new CpuLayoutBackend();
        }

        try
        {
            var backend = vulkanFactory();
            if (preference == BackendPreference.Auto && backend is VulkanLayoutBackend { Device.Type: "cpu" } software)
            {
                FallbackReason = $"Vulkan device '{software.DeviceName}' is a software implementation on the same cores; the SIMD CPU path is faster";
                software.Dispose();
                PhysicsLog.SoftwareVulkan(logger, FallbackReason);
                return Cpu();
            }

            PhysicsLog.BackendSelected(logger, "vulkan", backend.DeviceName);
            FallbackReason = null;
            return backend;
        }
#pragma warning disable CA1031 // Any failure to bring up Vulkan (missing loader, driver bug) must become the CPU path, not a crash.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            FallbackReason = $"Vulkan unavailable: {ex.Message}";
            // No GPU or no loader is an expected condition on many boxes: one line; the stack only at debug level.
            PhysicsLog.VulkanUnavailable(logger, ex.Message);
            PhysicsLog.VulkanUnavailableDetail(logger, ex);
            return Cpu();
        }
    }

    /// <summary>Tears down a backend that failed while running and returns the CPU path that takes over.</summary>
    public ILayoutBackend FallBack(ILayoutBackend failed, LayoutBackendException error)
    {
        FallbackReason = $"Vulkan failed while running: {error.Message}";
        PhysicsLog.DeviceLost(logger, error.Message, error);
        try
        {
            failed.Dispose();
        }
#pragma warning disable CA1031 // Tearing down a lost device may fail too; the CPU path must still start.
        catch (Exception disposeError)
#pragma warning restore CA1031
        {
            PhysicsLog.TickFailed(logger, disposeError);
        }

        return Cpu();
    }

    private CpuLayoutBackend Cpu()
    {
        var cpu = new CpuLayoutBackend();
        PhysicsLog.BackendSelected(logger, "cpu", cpu.DeviceName);
        return cpu;
    }
}

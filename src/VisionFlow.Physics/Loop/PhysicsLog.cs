using Microsoft.Extensions.Logging;

namespace VisionFlow.Physics.Loop;

/// <summary>What the physics loop and its parts log: one place, one style, so the same event always reads the same.</summary>
internal static partial class PhysicsLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Physics backend: {Backend} on {Device}")]
    public static partial void BackendSelected(ILogger logger, string backend, string device);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vulkan unavailable, using the CPU backend: {Reason}")]
    public static partial void VulkanUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Vulkan bring-up failed")]
    public static partial void VulkanUnavailableDetail(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Using the CPU backend: {Reason}")]
    public static partial void SoftwareVulkan(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Vulkan failed while running, switching to the CPU backend: {Reason}")]
    public static partial void DeviceLost(ILogger logger, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Physics performance mode: {Mode}")]
    public static partial void ModeChanged(ILogger logger, PerformanceMode mode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Layout settled after {Steps} steps (largest speed {MaxSpeed}); pausing until something changes")]
    public static partial void Settled(ILogger logger, long steps, float maxSpeed);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Layout changed; resuming")]
    public static partial void Resumed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Physics tick failed")]
    public static partial void TickFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Physics ticks still failing: {Failures} more since the last report ({Kind}: {Reason})")]
    public static partial void TickStillFailing(ILogger logger, long failures, string kind, string reason);
}

namespace VisionFlow.Physics.Vulkan;

/// <summary>The Vulkan device a backend runs on.</summary>
/// <param name="Name">Driver-reported device name.</param>
/// <param name="Type">discrete, integrated, virtual, cpu or other.</param>
/// <param name="ApiVersion">Device API version as major.minor.patch.</param>
/// <param name="DirectlyMapped">True when storage buffers are host-visible (written in place, no staging copies).</param>
internal sealed record VulkanDeviceInfo(string Name, string Type, string ApiVersion, bool DirectlyMapped);

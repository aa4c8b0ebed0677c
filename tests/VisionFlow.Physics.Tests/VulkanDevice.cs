using VisionFlow.Physics.Vulkan;

namespace VisionFlow.Physics.Tests;

/// <summary>Opens the real Vulkan backend; a machine without Vulkan fails these tests instead of skipping them.</summary>
internal static class VulkanDevice
{
    public static async Task<VulkanLayoutBackend> OpenAsync(bool forceStaging = false)
    {
        VulkanLayoutBackend backend;
        try
        {
            backend = VulkanLayoutBackend.Create(forceStaging);
        }
        catch (VulkanUnavailableException ex)
        {
            throw new InvalidOperationException($"These tests need a Vulkan device (lavapipe is enough: apt-get install mesa-vulkan-drivers libvulkan1): {ex.Message}", ex);
        }
        await Assert.That(backend.Kind).IsEqualTo(LayoutBackendKind.Vulkan);
        await Assert.That(backend.DeviceName).IsNotEmpty();
        if (forceStaging) await Assert.That(backend.Device.DirectlyMapped).IsFalse();
        Console.WriteLine($"Vulkan device: {backend.Device.Name} ({backend.Device.Type}, API {backend.Device.ApiVersion}, directly mapped: {backend.Device.DirectlyMapped})");
        return backend;
    }
}

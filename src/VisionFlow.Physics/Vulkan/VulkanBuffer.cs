using Silk.NET.Vulkan;
using VkBuffer = Silk.NET.Vulkan.Buffer;

namespace VisionFlow.Physics.Vulkan;

/// <summary>A buffer, its memory and (when host-visible) its persistent mapping.</summary>
internal readonly record struct VulkanBuffer(VkBuffer Buffer, DeviceMemory Memory, ulong Size, nint Mapped)
{
    public bool IsMapped => Mapped != 0;
}

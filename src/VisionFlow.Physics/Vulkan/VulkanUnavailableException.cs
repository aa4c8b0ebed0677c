namespace VisionFlow.Physics.Vulkan;

/// <summary>No usable Vulkan: loader missing, no device, no compute queue, or a creation call failed.</summary>
internal sealed class VulkanUnavailableException : LayoutBackendException
{
    /// <summary>Creates the exception.</summary>
    public VulkanUnavailableException() { }

    /// <summary>Creates the exception with a message.</summary>
    public VulkanUnavailableException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public VulkanUnavailableException(string message, Exception innerException) : base(message, innerException) { }
}

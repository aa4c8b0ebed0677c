namespace VisionFlow.Physics.Vulkan;

/// <summary>The device was lost (or a call failed) while the backend was running; its state is gone.</summary>
internal sealed class VulkanDeviceLostException : LayoutBackendException
{
    /// <summary>Creates the exception.</summary>
    public VulkanDeviceLostException() { }

    /// <summary>Creates the exception with a message.</summary>
    public VulkanDeviceLostException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public VulkanDeviceLostException(string message, Exception innerException) : base(message, innerException) { }
}

namespace VisionFlow.Physics.Vulkan;

/// <summary>Reads the SPIR-V that the build compiled from shaders/*.comp and embedded.</summary>
internal static class ShaderResources
{
    public static byte[] Load(string name)
    {
        var resource = $"VisionFlow.Physics.Shaders.{name}.spv";
        using var stream = typeof(ShaderResources).Assembly.GetManifestResourceStream(resource)
            ?? throw new VulkanUnavailableException($"Embedded shader '{resource}' is missing; the build did not compile shaders/{name}.comp.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}

using System.Runtime.InteropServices;
using Silk.NET.Core.Contexts;

namespace VisionFlow.Physics.Vulkan;

/// <summary>
/// Resolves Vulkan entry points from the system loader with <see cref="NativeLibrary"/> directly. Silk.NET's default
/// context probes paths through Assembly.Location and DependencyModel, which is neither single-file nor trim friendly;
/// this one is, and it names the library the way the Debian package installs it (libvulkan.so.1).
/// </summary>
internal sealed class VulkanNativeContext : INativeContext
{
    private static readonly string[] LibraryNames = OperatingSystem.IsWindows()
        ? ["vulkan-1.dll"]
        : OperatingSystem.IsMacOS() ? ["libvulkan.1.dylib", "libMoltenVK.dylib"] : ["libvulkan.so.1", "libvulkan.so"];

    private nint _handle;

    private VulkanNativeContext(nint handle, string name)
    {
        _handle = handle;
        LibraryName = name;
    }

    public string LibraryName { get; }

    /// <summary>Loads the first library that exists or throws <see cref="VulkanUnavailableException"/>.</summary>
    public static VulkanNativeContext Load()
    {
        foreach (var name in LibraryNames)
        {
            if (NativeLibrary.TryLoad(name, out var handle)) return new VulkanNativeContext(handle, name);
        }
        throw new VulkanUnavailableException(
            $"Vulkan loader not found (tried {string.Join(", ", LibraryNames)}); install 'libvulkan1' and a driver such as 'mesa-vulkan-drivers'.");
    }

    public nint GetProcAddress(string proc, int? slot = null) =>
        TryGetProcAddress(proc, out var address, slot) ? address : throw new EntryPointNotFoundException(proc);

    public bool TryGetProcAddress(string proc, out nint addr, int? slot = null)
    {
        addr = 0;
        return _handle != 0 && NativeLibrary.TryGetExport(_handle, proc, out addr);
    }

    public void Dispose()
    {
        // The loader stays mapped for the process: Silk.NET caches function pointers per Vk instance, and
        // unloading libvulkan under a live device would turn a later call into a crash instead of an error.
        _handle = 0;
    }
}

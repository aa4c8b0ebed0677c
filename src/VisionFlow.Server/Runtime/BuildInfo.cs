using System.Reflection;

namespace VisionFlow.Server.Runtime;

/// <summary>Version of the running binary, read once from assembly metadata (kept by the trimmer).</summary>
internal static class BuildInfo
{
    public static string Version { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}

namespace VisionFlow.Testing;

/// <summary>The checkout a test or benchmark was built from, found from its build output upwards.</summary>
public static class Repository
{
    private static readonly Lazy<string> RootFolder = new(Find);

    /// <summary>The folder that holds <c>VisionFlow.Aot.sln</c>.</summary>
    public static string Root => RootFolder.Value;

    /// <summary>A path inside the checkout, e.g. <c>PathOf("deploy", "systemd", "visionflow.service")</c>.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VisionFlow.Aot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("cannot find the repository root (VisionFlow.Aot.sln) above " + AppContext.BaseDirectory);
    }
}

namespace VisionFlow.EndToEnd.Tests;

/// <summary>Finds the published executable: <c>VISIONFLOW_BINARY</c>, else <c>artifacts/bin/visionflow</c> in the repository.</summary>
internal static class PublishedBinary
{
    public static string Path { get; } = Locate();

    private static string Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable("VISIONFLOW_BINARY");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return File.Exists(fromEnv)
                ? fromEnv
                : throw new FileNotFoundException($"VISIONFLOW_BINARY points at '{fromEnv}', which does not exist");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "VisionFlow.Aot.sln")))
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "artifacts", "bin", "visionflow");
                return File.Exists(candidate)
                    ? candidate
                    : throw new FileNotFoundException($"no published binary at {candidate}: run ./build.sh publish first (./build.sh test does)");
            }
        }

        throw new DirectoryNotFoundException("cannot find the repository root (VisionFlow.Aot.sln) above " + AppContext.BaseDirectory);
    }
}

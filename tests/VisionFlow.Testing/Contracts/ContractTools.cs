namespace VisionFlow.Testing.Contracts;

/// <summary>
/// The third-party checkers the contract tests run, where <c>./build.sh setup</c> (and <c>test</c>) installs them:
/// Redocly's OpenAPI linter and Prometheus's <c>promtool</c>, in <c>$VISIONFLOW_CACHE/tools</c> (default
/// <c>~/.cache/visionflow/tools</c>).
/// </summary>
public static class ContractTools
{
    /// <summary>The Redocly CLI version build.sh installs (its <c>REDOCLY_VERSION</c>).</summary>
    public const string RedoclyVersion = "2.77.0";

    private static string Folder =>
        Path.Combine(Environment.GetEnvironmentVariable("VISIONFLOW_CACHE") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "visionflow"), "tools");

    /// <summary>The <c>redocly</c> command.</summary>
    public static string Redocly => Existing(Path.Combine(Folder, $"redocly@{RedoclyVersion}", "node_modules", ".bin", "redocly"));

    /// <summary>The <c>promtool</c> command.</summary>
    public static string Promtool => Existing(Path.Combine(Folder, "promtool"));

    private static string Existing(string path) => File.Exists(path)
        ? path
        : throw new FileNotFoundException($"{path} is missing: ./build.sh setup (or ./build.sh test) installs it");
}

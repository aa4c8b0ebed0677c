namespace VisionFlow.Server.Configuration;

/// <summary>One configurable value: its environment variable, its command-line flag, and how it is checked and applied.</summary>
/// <param name="Env">Environment variable name.</param>
/// <param name="Flag">Command-line flag (with leading dashes).</param>
/// <param name="Default">Default shown in help.</param>
/// <param name="Accepted">Human description of the accepted range, used in errors and help.</param>
/// <param name="Description">One-line meaning.</param>
/// <param name="Apply">Parses a raw value into the options, or returns null when it is out of range.</param>
/// <param name="Secret">True for keys: an invalid value is never echoed in errors or logs.</param>
/// <param name="Switch">True for an on/off flag that takes no value on the command line (<c>--simulator</c>; <c>--simulator=false</c>
/// turns it off); its environment variable still takes true/false.</param>
/// <param name="Bounds">Values at the edges of <paramref name="Accepted"/> (minimum and maximum, or every choice): a test
/// starts the service with each, so what help accepts is known to work.</param>
internal sealed record Setting(
    string Env,
    string Flag,
    string Default,
    string Accepted,
    string Description,
    Func<ServerOptions, string, ServerOptions?> Apply,
    bool Secret = false,
    bool Switch = false,
    IReadOnlyList<string>? Bounds = null);

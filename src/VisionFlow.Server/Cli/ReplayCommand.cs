using System.Globalization;
using VisionFlow.History.Query;

namespace VisionFlow.Server.Cli;

/// <summary>
/// <c>visionflow replay FILE [--port N]</c>: serves a recording (an export of <c>/api/history/export</c>) read-only with
/// the same viewer and <c>/api/history*</c>; commands answer 409 (a replay is read-only), and nothing live runs (no MCP
/// link, no recording). A file that is not a recording, or holds nothing whole, is one line and exit code 2; a truncated
/// one replays up to its last whole record with a warning.
/// </summary>
internal static class ReplayCommand
{
    /// <summary>Every option, in help order.</summary>
    public static IReadOnlyList<CommandOption> Options { get; } =
    [
        new("--port", "N", "8080", "HTTP port on 127.0.0.1, 0-65535 (0 picks a free port)"),
        new("--help", null, "", "show this text"),
    ];

    /// <summary>Parses the arguments after <c>replay</c> and opens the recording; null with the exit code when there is
    /// nothing to serve (help shown, or one line said what is wrong).</summary>
    public static async Task<(int ExitCode, ReplayInvocation? Replay)> OpenAsync(IReadOnlyList<string> args)
    {
        string? path = null;
        var port = 8080;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    await Console.Out.WriteAsync(HelpText.ForReplay()).ConfigureAwait(false);
                    return (ExitCodes.Success, null);
                case "--port" when i + 1 < args.Count:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
                    {
                        return (await UsageAsync($"invalid value '{args[i]}' for --port: expected an integer 0-65535").ConfigureAwait(false), null);
                    }

                    continue;
                case "--port":
                    return (await UsageAsync("option --port needs a value: an integer 0-65535").ConfigureAwait(false), null);
                case var flag when flag.StartsWith('-'):
                    return (await UsageAsync($"unknown option '{flag}' (see visionflow replay --help)").ConfigureAwait(false), null);
                case var file when path is null:
                    path = file;
                    continue;
                default:
                    return (await UsageAsync("one recording at a time (see visionflow replay --help)").ConfigureAwait(false), null);
            }
        }

        if (path is null)
        {
            return (await UsageAsync("which recording? visionflow replay FILE [--port N]").ConfigureAwait(false), null);
        }

        if (RecordingFile.Open(path, out var error) is not { } recording)
        {
            return (await UsageAsync(error!).ConfigureAwait(false), null);
        }

        if (recording.Warning is { } warning)
        {
            await Console.Error.WriteLineAsync($"visionflow replay: warning: {warning}").ConfigureAwait(false);
        }

        return (ExitCodes.Success, new ReplayInvocation(Path.GetFullPath(path), port, recording));
    }

    private static async Task<int> UsageAsync(string line)
    {
        await Console.Error.WriteLineAsync($"visionflow replay: {line}").ConfigureAwait(false);
        return ExitCodes.Usage;
    }
}

/// <summary>A recording to serve: its full path, the port, and the file opened.</summary>
internal sealed record ReplayInvocation(string Path, int Port, RecordingFile Recording);

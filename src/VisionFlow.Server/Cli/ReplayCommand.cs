using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VisionFlow.History.Query;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.History;
using VisionFlow.Server.Hosting;
using VisionFlow.Server.Runtime;

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

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        string? path = null;
        var port = 8080;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    await Console.Out.WriteAsync(HelpText.ForReplay()).ConfigureAwait(false);
                    return ExitCodes.Success;
                case "--port" when i + 1 < args.Count:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
                    {
                        return await UsageAsync($"invalid value '{args[i]}' for --port: expected an integer 0-65535").ConfigureAwait(false);
                    }

                    continue;
                case "--port":
                    return await UsageAsync("option --port needs a value: an integer 0-65535").ConfigureAwait(false);
                case var flag when flag.StartsWith('-'):
                    return await UsageAsync($"unknown option '{flag}' (see visionflow replay --help)").ConfigureAwait(false);
                case var file when path is null:
                    path = file;
                    continue;
                default:
                    return await UsageAsync("one recording at a time (see visionflow replay --help)").ConfigureAwait(false);
            }
        }

        if (path is null)
        {
            return await UsageAsync("which recording? visionflow replay FILE [--port N]").ConfigureAwait(false);
        }

        if (RecordingFile.Open(path, out var error) is not { } recording)
        {
            return await UsageAsync(error!).ConfigureAwait(false);
        }

        if (recording.Warning is { } warning)
        {
            await Console.Error.WriteLineAsync($"visionflow replay: warning: {warning}").ConfigureAwait(false);
        }

        var options = new ServerOptions { Urls = [$"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"], EnableMcp = false, History = false };
        WebApplication app;
        try
        {
            app = ServerHost.Build(options, replay: HistoryService.Replay(path, recording));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            return await UsageAsync($"cannot build the service: {ex.Message}").ConfigureAwait(false);
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                await Console.Error.WriteLineAsync($"visionflow replay: cannot listen on {options.Urls[0]}: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("VisionFlow");
            foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            {
                Log.Listening(logger, address, BuildInfo.Version);
            }

            var summary = recording.Reader.Summary();
            Log.Replaying(logger, Path.GetFullPath(path), summary.First, summary.Last);
            await app.WaitForShutdownAsync().ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    private static async Task<int> UsageAsync(string line)
    {
        await Console.Error.WriteLineAsync($"visionflow replay: {line}").ConfigureAwait(false);
        return ExitCodes.Usage;
    }
}

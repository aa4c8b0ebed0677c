using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VisionFlow.Server.Cli;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Health;
using VisionFlow.Server.Hosting;
using VisionFlow.Server.Runtime;

namespace VisionFlow.Server;

/// <summary>Entry point: parse and validate configuration, then run the chosen command.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // `visionflow help simulate` is `visionflow simulate --help`.
        if (args is ["help", "simulate" or "mcp" or "replay", ..])
        {
            args = [args[1], "--help"];
        }

        if (args.Length > 0 && args[0] == "simulate")
        {
            return await SimulateCommand.RunAsync(args[1..]).ConfigureAwait(false);
        }

        if (args.Length > 0 && args[0] == "replay")
        {
            var (code, replay) = await ReplayCommand.OpenAsync(args[1..]).ConfigureAwait(false);
            return replay is null ? code : await RunReplayAsync(replay).ConfigureAwait(false);
        }

        if (args.Length > 0 && args[0] == "mcp")
        {
            return await McpCommand.RunAsync(args[1..]).ConfigureAwait(false);
        }

        if (!OptionsParser.TryParse(args, Environment.GetEnvironmentVariable, out var invocation, out var error))
        {
            await Console.Error.WriteLineAsync($"visionflow: {error}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        switch (invocation.Command)
        {
            case CliCommand.Help:
                Console.Out.Write(HelpText.Build(BuildInfo.Version));
                return 0;
            case CliCommand.Version:
                Console.Out.WriteLine($"visionflow {BuildInfo.Version}");
                return 0;
            case CliCommand.HealthCheck:
                return await HealthProbe.RunAsync(invocation.Options).ConfigureAwait(false);
            default:
                return await RunAsync(invocation.Options).ConfigureAwait(false);
        }
    }

    private static async Task<int> RunAsync(ServerOptions options)
    {
        var paused = StartupGcPause.Begin();
        try
        {
            return await RunHostAsync(options, () => StartupGcPause.End(paused)).ConfigureAwait(false);
        }
        finally
        {
            // Every way out before the listener (a refused setting, a port in use) leaves the region too.
            StartupGcPause.End(paused);
        }
    }

    /// <param name="listening">Called once the host listens (the start-up's no-GC region ends there).</param>
    private static async Task<int> RunHostAsync(ServerOptions options, Action listening)
    {
        // --simulator: the built-in simulator in-process on a free loopback port, and the MCP link pointed at it.
        EmbeddedSimulator? simulator = null;
        if (options.Simulator)
        {
            try
            {
                simulator = EmbeddedSimulator.Start(options);
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync($"visionflow: cannot start the built-in simulator: {ex.Message}").ConfigureAwait(false);
                return 1;
            }

            options = simulator.Redirect(options);
        }

        await using var stopSimulator = simulator;

        // The listening sockets first, answering the health endpoints truthfully ("starting") while the host is built;
        // Kestrel takes them over when it starts (Hosting/EarlyListener).
        var clock = new ServiceClock(TimeProvider.System);
        EarlyListener? early;
        try
        {
            early = EarlyListener.Start(options.Urls, new HealthService(
                HealthProbes.Create(HttpProbe.HostStarting, RuntimeStart.BeforeHost(), options), clock, CancellationToken.None));
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            await Console.Error.WriteLineAsync($"visionflow: cannot listen on {string.Join(", ", options.Urls)}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        using var closeEarly = early; // what Kestrel did not take (a failed start)
        WebApplication app;
        try
        {
            app = ServerHost.Build(options, clock: clock, early: early);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"visionflow: cannot build the service: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                // Settings are checked when parsed; a combination the components still refuse is one line too, not a crash.
                await Console.Error.WriteLineAsync($"visionflow: cannot start the service: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            catch (IOException ex)
            {
                // Address in use / permission denied: one clear line, no stack trace.
                await Console.Error.WriteLineAsync($"visionflow: cannot listen on {string.Join(", ", options.Urls)}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }

            listening();
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("VisionFlow");
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            foreach (var address in addresses ?? [])
            {
                Log.Listening(logger, address, BuildInfo.Version);
            }

            FirstRun.Explain(logger, options, simulator, addresses);

            await app.WaitForShutdownAsync().ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary><c>visionflow replay</c>: the recording served read-only (commands refused, nothing live runs).</summary>
    private static async Task<int> RunReplayAsync(ReplayInvocation replay)
    {
        var options = new ServerOptions { Urls = [$"http://127.0.0.1:{replay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}"], EnableMcp = false, History = false };
        var app = ServerHost.Build(options, replay: VisionFlow.Server.History.HistoryService.Replay(replay.Path, replay.Recording));
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

            var summary = replay.Recording.Reader.Summary();
            Log.Replaying(logger, replay.Path, summary.First, summary.Last);
            await app.WaitForShutdownAsync().ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }
}

using System.Buffers;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using VisionFlow.Protocol.Contracts.Plain;
using VisionFlow.Server.Configuration;
using VisionFlow.Simulator;
using VisionFlow.Simulator.Model;

namespace VisionFlow.Server.Cli;

/// <summary>
/// <c>visionflow simulate</c>: the built-in swarm simulator as a real TCP JSON-RPC server (both dialects). Everything it
/// serves says it is simulated; it is what <c>visionflow --simulator</c> runs in-process, and what benchmarks and
/// chaos tests drive and kill.
/// </summary>
internal static class SimulateCommand
{
    /// <summary>Every option, in help order; <see cref="TryParse"/> accepts exactly these.</summary>
    public static IReadOnlyList<CommandOption> Options { get; } =
    [
        new("--port", "N", "9500", "TCP port to listen on, 0-65535 (0 picks a free port)"),
        new("--bind", "ADDRESS", "127.0.0.1", "IP address to listen on"),
        new("--seed", "N", "1", "seed of the simulation: the same seed and calls give the same data"),
        new("--rate-hz", "HZ", "10", "telemetry frames per second, 10-1000"),
        new("--agents", "N", "0", "agents started at once in one mesh swarm, 0-100000"),
        new("--autonomous", null, "off", "coordinators hand subtasks to idle agents, so the swarm stays busy on its own"),
        new("--token", "TOKEN", "(none)", "require the Claude Flow bridge's authenticate {token} as the first request"),
        new("--help", null, "", "show this text"),
    ];

    /// <summary>Parses the arguments after <c>simulate</c>; <paramref name="help"/> is set for <c>--help</c>.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out SimulateInvocation invocation, out bool help, out string error)
    {
        invocation = new SimulateInvocation();
        help = false;
        error = string.Empty;
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            switch (flag)
            {
                case "-h" or "--help":
                    help = true;
                    return true;
                case "--autonomous":
                    invocation = invocation with { Autonomous = true };
                    continue;
            }

            if (Options.FirstOrDefault(o => o.Flag == flag) is not { Value: not null } option)
            {
                error = $"unknown option '{flag}' (see visionflow simulate --help)";
                return false;
            }

            if (i + 1 >= args.Count)
            {
                error = $"option {flag} needs a value: {option.Description}";
                return false;
            }

            var value = args[++i];
            SimulateInvocation? next = flag switch
            {
                "--port" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535 ? invocation with { Port = port } : null,
                "--bind" => IPAddress.TryParse(value, out var bind) ? invocation with { Bind = bind } : null,
                "--seed" => int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed) ? invocation with { Seed = seed } : null,
                "--rate-hz" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is >= 10 and <= 1000 ? invocation with { RateHz = rate } : null,
                "--agents" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var agents) && agents is >= 0 and <= 100_000 ? invocation with { Agents = agents } : null,
                "--token" => value.Length > 0 ? invocation with { Token = value } : null,
                _ => null,
            };
            if (next is null)
            {
                error = $"invalid value '{value}' for {flag}: expected {option.Description}";
                return false;
            }

            invocation = next;
        }

        return true;
    }

    /// <summary>Creates the simulated swarm and its server, bound but not started.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The address cannot be bound.</exception>
    /// <exception cref="InvalidOperationException">The initial agents cannot be created.</exception>
    public static SimulatorServer CreateServer(SimulateInvocation invocation, ILogger? logger = null)
    {
        var simulator = new SwarmSimulator(
            new SimulatorOptions
            {
                Seed = invocation.Seed,
                TelemetryRateHz = invocation.RateHz,
                AutonomousWork = invocation.Autonomous,
                MaxTotalAgents = Math.Max(100_000, invocation.Agents),
            }.Validate(),
            TimeProvider.System);
        if (invocation.Agents > 0)
        {
            var result = new ArrayBufferWriter<byte>();
            var parameters = Encoding.UTF8.GetBytes(
                $"{{\"topology\":\"mesh\",\"agents\":{invocation.Agents},\"max_agents\":{invocation.Agents + 50},\"task\":\"simulated workload\"}}");
            if (!simulator.TryHandlePlain(PlainDialectMethods.InitializeMultiAgent, parameters, result, out var error))
            {
                throw new InvalidOperationException($"cannot create {invocation.Agents} agents: {error.Message}");
            }
        }

        return new SimulatorServer(simulator, new IPEndPoint(invocation.Bind, invocation.Port), TimeProvider.System, logger, invocation.Token);
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (!TryParse(args, out var invocation, out var help, out var error))
        {
            await Console.Error.WriteLineAsync($"visionflow simulate: {error}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        if (help)
        {
            await Console.Out.WriteAsync(HelpText.ForSimulate()).ConfigureAwait(false);
            return 0;
        }

        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        }).SetMinimumLevel(LogLevel.Information));
        SimulatorServer server;
        try
        {
            server = CreateServer(invocation, loggers.CreateLogger("VisionFlow.Simulator"));
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            await Console.Error.WriteLineAsync($"visionflow simulate: cannot listen on {invocation.Bind}:{invocation.Port}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync($"visionflow simulate: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (server.ConfigureAwait(false))
        {
            server.Start();
            await Console.Out.WriteLineAsync(
                $"VisionFlow simulator (SIMULATED DATA, serverInfo {SwarmSimulator.ServerName}) listening on tcp://{server.LocalEndPoint} seed={invocation.Seed} rate={invocation.RateHz} Hz agents={invocation.Agents}").ConfigureAwait(false);
            var stop = new TaskCompletionSource();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true;
                stop.TrySetResult();
            });
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
            {
                c.Cancel = true;
                stop.TrySetResult();
            });
            await stop.Task.ConfigureAwait(false);
        }

        return 0;
    }
}

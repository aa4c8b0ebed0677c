using System.Buffers;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using VisionFlow.Simulator;

namespace VisionFlow.Server.Hosting;

/// <summary>
/// <c>visionflow simulate</c>: the built-in swarm simulator as a real TCP JSON-RPC server (both dialects). Everything it
/// serves says it is simulated; it is what `./build.sh run` uses when no MCP server is reachable, and what benchmarks
/// and chaos tests drive and kill.
/// </summary>
internal static class SimulateCommand
{
    public const string Usage =
        "usage: visionflow simulate [--port 9500] [--bind 127.0.0.1] [--seed 1] [--rate-hz 10] [--agents 0] [--autonomous] [--token T]";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var port = 9500;
        var bind = IPAddress.Loopback;
        var seed = 1;
        var rate = 10.0;
        var agents = 0;
        var autonomous = false;
        string? token = null;
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            if (flag == "--autonomous")
            {
                autonomous = true;
                continue;
            }

            if (flag is "-h" or "--help")
            {
                await Console.Out.WriteLineAsync(Usage).ConfigureAwait(false);
                return 0;
            }

            var value = i + 1 < args.Count ? args[++i] : null;
            var ok = flag switch
            {
                "--port" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535,
                "--bind" => IPAddress.TryParse(value, out bind!),
                "--seed" => int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed),
                "--rate-hz" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out rate) && rate is >= 10 and <= 1000,
                "--token" => !string.IsNullOrEmpty(token = value),
                "--agents" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out agents) && agents is >= 0 and <= 100_000,
                _ => false,
            };
            if (!ok)
            {
                await Console.Error.WriteLineAsync($"visionflow simulate: invalid or unknown option '{flag} {value}' ({Usage})").ConfigureAwait(false);
                return Program.UsageError;
            }
        }

        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        }).SetMinimumLevel(LogLevel.Information));
        var simulator = new SwarmSimulator(
            new SimulatorOptions { Seed = seed, TelemetryRateHz = rate, AutonomousWork = autonomous, MaxTotalAgents = Math.Max(100_000, agents) }.Validate(),
            TimeProvider.System);
        if (agents > 0)
        {
            var result = new ArrayBufferWriter<byte>();
            var parameters = Encoding.UTF8.GetBytes($"{{\"topology\":\"mesh\",\"agents\":{agents},\"max_agents\":{agents + 50},\"task\":\"simulated workload\"}}");
            if (!simulator.TryHandlePlain(PlainMethods.MultiAgentInitialize, parameters, result, out var error))
            {
                await Console.Error.WriteLineAsync($"visionflow simulate: cannot create {agents} agents: {error.Message}").ConfigureAwait(false);
                return 1;
            }
        }

        SimulatorServer server;
        try
        {
            server = new SimulatorServer(simulator, new IPEndPoint(bind, port), TimeProvider.System, loggers.CreateLogger("VisionFlow.Simulator"), token);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            await Console.Error.WriteLineAsync($"visionflow simulate: cannot listen on {bind}:{port}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (server.ConfigureAwait(false))
        {
            server.Start();
            await Console.Out.WriteLineAsync(
                $"VisionFlow simulator (SIMULATED DATA, serverInfo {SwarmSimulator.ServerName}) listening on tcp://{server.LocalEndPoint} seed={seed} rate={rate} Hz agents={simulator.LiveAgentCount}").ConfigureAwait(false);
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

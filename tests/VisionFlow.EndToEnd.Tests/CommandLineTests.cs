using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>The published binary's command-line contract: help, version, and one-line validation errors with exit code 2.</summary>
public sealed partial class CommandLineTests
{
    [Test]
    public async Task Version_prints_name_and_version()
    {
        var (code, stdout, stderr) = await BinaryProcess.RunToEndAsync(["--version"]);
        await Assert.That(code).IsEqualTo(0);
        await Assert.That(stdout.Single()).StartsWith("visionflow 0.1.0");
        await Assert.That(stderr).IsEmpty();
    }

    [Test]
    public async Task Help_lists_every_environment_variable()
    {
        var (code, stdout, _) = await BinaryProcess.RunToEndAsync(["--help"]);
        await Assert.That(code).IsEqualTo(0);
        var text = string.Join('\n', stdout);
        foreach (var name in new[] { "CLAUDE_FLOW_HOST", "MCP_TCP_PORT", "ENABLE_MCP", "MCP_RECONNECT_ATTEMPTS", "MCP_RECONNECT_DELAY", "MCP_CONNECTION_TIMEOUT", "MCP_MAX_AGENTS", "PORT", "VISIONFLOW_URLS", "VISIONFLOW_LOG_FORMAT" })
        {
            await Assert.That(text).Contains(name);
        }
    }

    [Test]
    [Arguments("--port", "abc", "PORT")]
    [Arguments("--mcp-port", "99999", "MCP_TCP_PORT")]
    [Arguments("--enable-mcp", "perhaps", "ENABLE_MCP")]
    [Arguments("--urls", "ftp://x:1", "VISIONFLOW_URLS")]
    public async Task Invalid_flag_is_one_line_and_exit_code_2(string flag, string value, string variable)
    {
        var (code, stdout, stderr) = await BinaryProcess.RunToEndAsync([flag, value]);
        await Assert.That(code).IsEqualTo(2);
        await Assert.That(stdout).IsEmpty();
        await Assert.That(stderr.Count).IsEqualTo(1);
        await Assert.That(stderr[0]).Contains(flag);
        await Assert.That(stderr[0]).Contains(variable);
        await Assert.That(stderr[0]).DoesNotContain(" at ");
    }

    [Test]
    [Arguments("MCP_MAX_AGENTS", "-5")]
    [Arguments("MCP_RECONNECT_DELAY", "soon")]
    [Arguments("MCP_CONNECTION_TIMEOUT", "0")]
    [Arguments("VISIONFLOW_LOG_LEVEL", "loud")]
    public async Task Invalid_environment_is_one_line_and_exit_code_2(string variable, string value)
    {
        var (code, _, stderr) = await BinaryProcess.RunToEndAsync([], new Dictionary<string, string> { [variable] = value });
        await Assert.That(code).IsEqualTo(2);
        await Assert.That(stderr.Count).IsEqualTo(1);
        await Assert.That(stderr[0]).StartsWith($"visionflow: invalid value '{value}' for environment variable {variable}: expected ");
    }

    [Test]
    public async Task Unknown_option_is_exit_code_2()
    {
        var (code, _, stderr) = await BinaryProcess.RunToEndAsync(["--frobnicate"]);
        await Assert.That(code).IsEqualTo(2);
        await Assert.That(stderr.Single()).Contains("unknown option '--frobnicate'");
    }

    [Test]
    [Arguments("--help")]
    [Arguments("-h")]
    [Arguments("help")]
    [Arguments("run --help")]
    [Arguments("healthcheck --help")]
    [Arguments("simulate --help")]
    [Arguments("simulate -h")]
    [Arguments("help simulate")]
    [Arguments("mcp --help")]
    [Arguments("mcp tools --help")]
    [Arguments("mcp call --help")]
    [Arguments("mcp call agent_list --help")]
    [Arguments("help mcp")]
    [Arguments("replay --help")]
    [Arguments("help replay")]
    public async Task Help_works_on_every_command_and_subcommand_and_exits_0(string commandLine)
    {
        var (code, stdout, stderr) = await BinaryProcess.RunToEndAsync(commandLine.Split(' '));
        await Assert.That(code).IsEqualTo(0);
        await Assert.That(stderr).IsEmpty();
        await Assert.That(string.Join('\n', stdout)).Contains("Usage");
    }

    [Test]
    public async Task Main_help_lists_every_option_of_simulate()
    {
        var (_, stdout, _) = await BinaryProcess.RunToEndAsync(["--help"]);
        var section = Section(stdout, "Options of simulate:");
        foreach (var option in new[] { "--port N", "--bind ADDRESS", "--seed N", "--rate-hz HZ", "--agents N", "--autonomous", "--token TOKEN" })
        {
            await Assert.That(section.Any(l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal))).IsTrue().Because($"{option} is missing from: {string.Join(" | ", section)}");
        }

        var (_, simulateHelp, _) = await BinaryProcess.RunToEndAsync(["simulate", "--help"]);
        await Assert.That(Section(simulateHelp, "Options:")).IsEquivalentTo(section);
    }

    [Test]
    public async Task Help_columns_are_aligned()
    {
        var (_, stdout, _) = await BinaryProcess.RunToEndAsync(["--help"]);
        // Every row of a table starts its "default" column at the same place, however long its flag is.
        foreach (var heading in new[] { "Options of run and healthcheck", "Options of simulate:", "Options of mcp" })
        {
            var columns = Section(stdout, heading).Where(l => l.StartsWith("  --", StringComparison.Ordinal) && l.Contains(" default ", StringComparison.Ordinal))
                .Select(l => l.IndexOf(" default ", StringComparison.Ordinal)).Distinct().ToList();
            await Assert.That(columns.Count).IsEqualTo(1).Because($"'{heading}' has its default column at {string.Join(", ", columns)}");
        }

        var usage = Section(stdout, "Usage:").Where(l => l.StartsWith("  visionflow", StringComparison.Ordinal)).ToList();
        var descriptions = usage.Select(l => Regex.Match(l, @"^  \S.*?\S {2,}(\S)").Groups[1].Index).Distinct().ToList();
        await Assert.That(descriptions.Count).IsEqualTo(1).Because("usage descriptions start at " + string.Join(", ", descriptions));
    }

    [Test]
    [Arguments("flag")]
    [Arguments("environment")]
    public async Task Simulator_flag_runs_the_built_in_simulator_in_process_labelled_simulated(string how)
    {
        var env = new Dictionary<string, string> { ["VISIONFLOW_SIMULATOR_AGENTS"] = "7", ["VISIONFLOW_HEALTH_INTERVAL"] = "200" };
        List<string> args = ["--port", "0", "--physics-backend", "cpu"];
        if (how == "flag")
        {
            args.Insert(0, "--simulator");
        }
        else
        {
            env["VISIONFLOW_SIMULATOR"] = "true";
        }

        await using var service = BinaryProcess.Start(args, env);
        var address = await service.WaitForListeningAsync(TimeSpan.FromSeconds(20));
        using var http = new HttpClient { BaseAddress = address };
        var agents = await VisionFlow.Testing.JsonPolling.WaitForJsonAsync(http, "/api/bots/agents", a => a.GetProperty("count").GetInt32() == 7, "7 agents");

        await Assert.That(agents.GetProperty("count").GetInt32()).IsEqualTo(7);
        await Assert.That(agents.GetProperty("source").GetString()).IsEqualTo("simulator");
        await Assert.That(agents.GetProperty("simulated").GetBoolean()).IsTrue();
        await Assert.That(service.Stdout.Any(l => l.Contains("Built-in swarm SIMULATOR on 127.0.0.1:", StringComparison.Ordinal) && l.Contains("with 7 agents", StringComparison.Ordinal))).IsTrue();
    }

    [Test]
    public async Task Simulator_with_MCP_disabled_is_a_usage_error()
    {
        var (code, _, stderr) = await BinaryProcess.RunToEndAsync(["--simulator"], new Dictionary<string, string> { ["ENABLE_MCP"] = "false" });
        await Assert.That(code).IsEqualTo(2);
        await Assert.That(stderr.Single()).Contains("ENABLE_MCP=false");
    }

    [Test]
    public async Task First_lines_name_the_MCP_server_tried_and_the_remedy()
    {
        // A port that was free a moment ago: nothing answers there, as on a first run without Claude Flow.
        var probe = new TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var closed = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        probe.Stop();

        await using var service = BinaryProcess.Start(["--port", "0", "--physics-backend", "cpu"], new Dictionary<string, string>
        {
            ["CLAUDE_FLOW_HOST"] = "127.0.0.1",
            ["MCP_TCP_PORT"] = closed,
        });
        var address = await service.WaitForListeningAsync(TimeSpan.FromSeconds(20));
        var line = await VisionFlow.Testing.Eventually.FindAsync(
            () => service.Stdout.FirstOrDefault(l => l.Contains("MCP server: ", StringComparison.Ordinal)),
            "the line naming the MCP server",
            TimeSpan.FromSeconds(10),
            pollMilliseconds: 20,
            seen: () => string.Join(" | ", service.Stdout));
        await Assert.That(line).Contains($"127.0.0.1:{closed}");
        await Assert.That(line!).Contains("CLAUDE_FLOW_HOST / MCP_TCP_PORT");
        await Assert.That(line!).Contains("visionflow --simulator");
        await Assert.That(service.Stdout.Any(l => l.Contains($"Viewer: open {address.ToString().TrimEnd('/')}/", StringComparison.Ordinal))).IsTrue();
    }

    /// <summary>The lines after <paramref name="heading"/> up to the next blank line.</summary>
    private static List<string> Section(IReadOnlyList<string> lines, string heading) =>
        [.. lines.SkipWhile(l => !l.StartsWith(heading, StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.Length > 0)];
}

using System.Text;
using VisionFlow.Server.Configuration;

namespace VisionFlow.Server.Cli;

/// <summary>
/// Usage text, generated from the settings table and the subcommands' option tables, so it can never drift from what
/// is accepted. Every column is aligned to its widest cell.
/// </summary>
internal static class HelpText
{
    public static string Build(string version)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"visionflow {version} - live agent-swarm and knowledge-graph visualisation over Claude Flow MCP");
        sb.AppendLine();
        sb.AppendLine("Usage:");
        HelpTable.Append(sb,
        [
            ["visionflow [run] [options]", "start the service (default); the viewer is at http://127.0.0.1:8080/"],
            ["visionflow --simulator [options]", "start it with the built-in swarm simulator in-process (no MCP server needed; labelled simulated)"],
            ["visionflow healthcheck [options]", "exit 0 if the instance at --port/--urls answers /api/health"],
            ["visionflow simulate [simulate options]", "the built-in swarm simulator as a JSON-RPC server (all its data is labelled simulated)"],
            ["visionflow replay FILE [--port N]", "serve a recording (GET /api/history/export) read-only with the viewer; exit 2 if it is not one"],
            ["visionflow mcp tools [mcp options]", "list what an MCP server offers (tools, or the plain dialect's methods)"],
            ["visionflow mcp call NAME ['{json}'] [mcp options]", "call one tool or method and print its answer; exit 1 when it reports a failure"],
            ["visionflow COMMAND --help", "help for one command (also: visionflow help COMMAND)"],
            ["visionflow --version", "show the version"],
        ]);
        sb.AppendLine();
        sb.AppendLine("Options of run and healthcheck (flag, environment variable, default; flags win over the environment):");
        var rows = new List<string[]>();
        foreach (var s in Settings.All)
        {
            rows.Add([s.Flag, s.Env, "default " + s.Default]);
            rows.Add(["    " + s.Description + "; accepts " + s.Accepted]);
        }

        HelpTable.Append(sb, rows);
        sb.AppendLine();
        sb.AppendLine("Options of simulate:");
        AppendOptions(sb, SimulateCommand.Options);
        sb.AppendLine();
        sb.AppendLine("Options of mcp (flag, environment variable, default):");
        AppendOptions(sb, McpCommand.Options);
        sb.AppendLine();
        sb.AppendLine("An invalid value prints one line naming it and exits with code 2.");
        sb.AppendLine();
        Telemetry.OtlpExport.AppendHelp(sb);
        return sb.ToString();
    }

    public static string ForReplay()
    {
        var sb = new StringBuilder();
        sb.AppendLine("Usage: visionflow replay FILE [options]");
        sb.AppendLine();
        sb.AppendLine("Serves a recording (a file from GET /api/history/export) read-only: the viewer's timeline scrubs it and");
        sb.AppendLine("/api/history* answers from it; commands are refused (409). A file that is not a recording is one line and exit");
        sb.AppendLine("code 2; a truncated one replays up to its last whole record, with a warning.");
        sb.AppendLine();
        sb.AppendLine("Options:");
        AppendOptions(sb, ReplayCommand.Options);
        return sb.ToString();
    }

    public static string ForSimulate()
    {
        var sb = new StringBuilder();
        sb.AppendLine("Usage: visionflow simulate [options]");
        sb.AppendLine();
        sb.AppendLine("The built-in swarm simulator as a TCP JSON-RPC server speaking both dialects (MCP tools and the plain JSON-RPC");
        sb.AppendLine($"methods). Everything it serves is labelled simulated (serverInfo {Simulator.SwarmSimulator.ServerName}).");
        sb.AppendLine();
        sb.AppendLine("Options:");
        AppendOptions(sb, SimulateCommand.Options);
        return sb.ToString();
    }

    public static string ForMcp()
    {
        var sb = new StringBuilder();
        sb.AppendLine("Usage:");
        HelpTable.Append(sb,
        [
            ["visionflow mcp tools [options]", "list the server's tools (MCP) or its methods (plain dialect)"],
            ["visionflow mcp call NAME ['{json}'] [options]", "call a tool (MCP) or a method (plain dialect) and print its answer"],
        ]);
        sb.AppendLine();
        sb.AppendLine("Connects as the service does and detects the dialect. `call` exits 1 when the result reports a failure");
        sb.AppendLine("(isError, \"success\": false or an \"error\" member), 2 on a usage error.");
        sb.AppendLine();
        sb.AppendLine("Options (flag, environment variable, default; flags win over the environment):");
        AppendOptions(sb, McpCommand.Options);
        return sb.ToString();
    }

    private static void AppendOptions(StringBuilder sb, IReadOnlyList<CommandOption> options)
    {
        var withEnv = options.Any(o => o.Env is not null);
        HelpTable.Append(sb, [.. options.Select(o => withEnv
            ? new[] { o.Shown, o.Env ?? "", o.Default.Length > 0 ? "default " + o.Default : "", o.Description }
            : [o.Shown, o.Default.Length > 0 ? "default " + o.Default : "", o.Description])]);
    }
}

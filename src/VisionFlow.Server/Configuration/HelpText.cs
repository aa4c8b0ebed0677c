using System.Text;

namespace VisionFlow.Server.Configuration;

/// <summary>Usage text, generated from the settings table so it can never drift from what is accepted.</summary>
internal static class HelpText
{
    public static string Build(string version)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"visionflow {version} - live agent-swarm and knowledge-graph visualisation over Claude Flow MCP");
        sb.AppendLine();
        sb.AppendLine("Usage:");
        sb.AppendLine("  visionflow [run] [options]   start the service (default)");
        sb.AppendLine("  visionflow healthcheck [opts] exit 0 if the instance at --port/--urls answers /api/health");
        sb.AppendLine("  visionflow simulate [--port 9500] [--seed N] [--rate-hz 10] [--agents N]");
        sb.AppendLine("                               the built-in swarm simulator (a JSON-RPC server; all its data is labelled simulated)");
        sb.AppendLine("  visionflow mcp tools [--host H --port P]       list what an MCP server offers");
        sb.AppendLine("  visionflow mcp call NAME ['{json}'] [--host H --port P]  call one tool, print its answer");
        sb.AppendLine("  visionflow --help            show this text");
        sb.AppendLine("  visionflow --version         show the version");
        sb.AppendLine();
        sb.AppendLine("Options (flag / environment variable, default; flags win over the environment):");
        foreach (var s in Settings.All)
        {
            sb.AppendLine($"  {s.Flag,-28} {s.Env,-24} default {s.Default}");
            sb.AppendLine($"      {s.Description}; accepts {s.Accepted}");
        }

        sb.AppendLine();
        sb.AppendLine("An invalid value prints one line naming it and exits with code 2.");
        sb.AppendLine();
        Telemetry.OtlpExport.AppendHelp(sb);
        return sb.ToString();
    }
}

using System.Globalization;

namespace VisionFlow.Testing.Interop;

/// <summary>
/// The real npm MCP servers of <c>tests/interop/mcp-servers.sh</c> (installed by <c>./build.sh setup</c>), each behind
/// a socat bridge on 127.0.0.1 that forks the server for every TCP connection. Used by the interop tests and by the
/// benchmarks that measure a real peer, so both start and stop it the same way.
/// </summary>
public static class McpServers
{
    /// <summary>The script's command for pinned claude-flow.</summary>
    public const string ClaudeFlow = "start-claude-flow";

    /// <summary>The script's command for pinned <c>@modelcontextprotocol/server-everything</c>.</summary>
    public const string Everything = "start-everything";

    /// <summary>Starts the bridge for <paramref name="startCommand"/> on <paramref name="port"/>; returns its pid (its session's leader).</summary>
    /// <exception cref="InvalidOperationException">The script failed, with its error output and the remedy.</exception>
    public static async Task<int> StartAsync(string startCommand, int port)
    {
        var (code, output, error) = await RunAsync(startCommand, port.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        if (code != 0)
        {
            throw new InvalidOperationException($"mcp-servers.sh {startCommand} failed ({code}): {error.Trim()} — run ./build.sh setup to install the interop servers");
        }

        return int.Parse(output.Trim().Split('\n')[^1].Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The command line that starts the installed claude-flow's MCP server over stdio (<c>node …/cli.js mcp start</c>,
    /// the install folder quoted): what <c>--mcp-command</c> takes, with no bridge in between.
    /// </summary>
    /// <exception cref="InvalidOperationException">claude-flow is not installed, with the remedy.</exception>
    public static async Task<string> ClaudeFlowCommandAsync()
    {
        var (code, output, error) = await RunAsync("paths").ConfigureAwait(false);
        var folder = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("claude-flow: ", StringComparison.Ordinal))?["claude-flow: ".Length..];
        var cli = folder is null ? null : Path.Combine(folder, "node_modules", "claude-flow", "bin", "cli.js");
        if (code != 0 || cli is null || !File.Exists(cli))
        {
            throw new InvalidOperationException($"claude-flow is not installed ({cli ?? error.Trim()}) — run ./build.sh setup to install the interop servers");
        }

        return $"node '{cli}' mcp start";
    }

    /// <summary>Stops the bridge <paramref name="pid"/> and the servers it forked.</summary>
    public static async Task StopAsync(int pid) => await RunAsync("stop", pid.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);

    private static Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
        => Command.RunAsync("bash", [Repository.PathOf("tests", "interop", "mcp-servers.sh"), .. args]);
}

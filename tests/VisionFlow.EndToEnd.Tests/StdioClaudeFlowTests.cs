using System.Diagnostics;
using System.Text.Json;
using VisionFlow.Testing;
using VisionFlow.Testing.Interop;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>
/// The published binary starts the real Claude Flow (the interop install, pinned) as its own child over stdio, with no
/// bridge anywhere: it connects; a killed child degrades the link, is started again, and the level climbs back to
/// fully_operational; when the binary stops, the child stops with it.
/// </summary>
[NotInParallel("claude-flow")]
public sealed class StdioClaudeFlowTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Test]
    public async Task Visionflow_runs_claude_flow_over_stdio_restarts_it_when_it_dies_and_stops_it_on_exit()
    {
        var command = await McpServers.ClaudeFlowCommandAsync();
        await using var run = BinaryProcess.Start(
        [
            "--port", "0", "--mcp-command", command, "--physics-backend", "cpu",
            "--health-interval", "500", "--recovery-interval", "1000", "--mcp-reconnect-delay", "100",
        ]);
        var address = await run.WaitForListeningAsync(Wait);
        using var http = new HttpClient { BaseAddress = address };
        // The first-run line names what will really be tried: the command, not the TCP address nobody configured.
        var target = await Eventually.FindAsync(() => run.Stdout.FirstOrDefault(l => l.Contains("MCP server: ", StringComparison.Ordinal)), "the line naming the MCP server", Wait, pollMilliseconds: 20);
        await Assert.That(target).Contains($"started as `{command}` over stdio");
        await Assert.That(target!).DoesNotContain("CLAUDE_FLOW_HOST");

        var status = await JsonPolling.WaitForJsonAsync(http, "/api/bots/status", r => r.GetProperty("mcp_state").GetString() == "connected", "connected over stdio", Wait);
        await Assert.That(status.GetProperty("mcp_address").GetString()).IsEqualTo(command);
        await Assert.That(status.GetProperty("telemetry_mode").GetString()).IsEqualTo("poll"); // Claude Flow pushes nothing
        var agents = await JsonPolling.WaitForJsonAsync(http, "/api/bots/agents", r => r.GetProperty("available").GetBoolean(), "agents available", Wait);
        await Assert.That(agents.GetProperty("source").GetString()).IsEqualTo("mcp");
        var first = ClaudeFlowChild(run.Pid);

        // Killed: the link says the server went away and degrades, starts a new child, lists again, and climbs back.
        Process.GetProcessById(first).Kill();
        await JsonPolling.WaitForJsonAsync(http, "/api/health/network",
            r => r.GetProperty("degradation_level").GetString() != "fully_operational", "the level lowered by the loss", Wait);
        await JsonPolling.WaitForJsonAsync(http, "/api/health/network",
            r => r.GetProperty("degradation_level").GetString() == "fully_operational" && r.GetProperty("mcp_connection").GetProperty("status").GetString() == "connected",
            "fully_operational again", Wait);
        var second = ClaudeFlowChild(run.Pid);
        await Assert.That(second).IsNotEqualTo(first);
        await Eventually.UntilAsync(() => !ChildProcesses.IsAlive(first), "the killed child gone", TimeSpan.FromSeconds(10));
        // The loss is told as the child's exit, once, in the log. Not read from last_failure in /api/bots/status: that
        // is the newest failure, and on a busy machine a later poll of the new child may time out and rightly take its place.
        await Eventually.UntilAsync(
            () => run.Stdout.Concat(run.Stderr).Any(l => l.Contains("lost", StringComparison.Ordinal) && l.Contains($"process {first}", StringComparison.Ordinal)),
            "the loss logged as the child's exit", TimeSpan.FromSeconds(10));

        run.Terminate();
        await Assert.That(await run.WaitForExitAsync(Wait)).IsEqualTo(0);
        await Eventually.UntilAsync(() => !ChildProcesses.IsAlive(second), "the child stopped with the binary", TimeSpan.FromSeconds(10));
        await Assert.That(run.Stdout.Concat(run.Stderr).Where(l => l.Contains("   at ", StringComparison.Ordinal))).IsEmpty();
    }

    /// <summary>The one claude-flow child of the binary <paramref name="pid"/> (there is no bridge: it is the binary's own child).</summary>
    private static int ClaudeFlowChild(int pid) =>
        ChildProcesses.Of(pid).Single(c => c.CommandLine.Contains("cli.js mcp start", StringComparison.Ordinal)).Pid;
}

using System.Diagnostics;
using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Failures;
using VisionFlow.Connections.Link;
using VisionFlow.Connections.Transport;
using VisionFlow.Testing;

namespace VisionFlow.Connections.Tests;

/// <summary>
/// The MCP server started as a child process over stdio, through the real link: one child carries the session and every
/// request; when it dies the link degrades, starts another and recovers; when the link stops, the child is stopped. The
/// child here is <c>socat</c> joining its stdio to a test peer's socket, a real process with real pipes (the real
/// Claude Flow over stdio is in the end-to-end suite).
/// </summary>
[NotInParallel("child processes")]
public sealed class StdioTransportTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static McpLinkOptions Options(string command) => new()
    {
        Command = command,
        ReconnectAttempts = 2,
        ReconnectDelay = TimeSpan.FromMilliseconds(50),
        ConnectionTimeout = TimeSpan.FromSeconds(10),
        HealthInterval = TimeSpan.FromMilliseconds(200),
        RecoveryInterval = TimeSpan.FromMilliseconds(100),
    };

    private static string Bridge(TestPeer peer) => $"socat - TCP:127.0.0.1:{peer.Port}";

    private static Task Until(Func<bool> condition, string what) => Eventually.UntilAsync(condition, what, Patience, pollMilliseconds: 10);

    private static int ChildOf(string command) =>
        ChildProcesses.Of(Environment.ProcessId).Where(c => c.CommandLine == command).Select(c => c.Pid).DefaultIfEmpty(0).Single();

    private static ValueTask<bool> Ping(McpLink link) =>
        link.ExecuteAsync(static async (client, ct) =>
        {
            await client.PingAsync(ct);
            return true;
        }, CancellationToken.None);

    [Test]
    public async Task One_child_carries_the_session_and_every_request_multiplexed()
    {
        await using var peer = TestPeer.Start("a1");
        var command = Bridge(peer);
        await using var link = new McpLink(Options(command));
        var sink = new RecordingSink(link.Sessions);
        link.Start();
        await Until(() => link.Status.State == McpLinkState.Connected, "the session");

        await Assert.That(link.Status.Address).IsEqualTo(command);
        await Assert.That(link.Status.Telemetry).IsEqualTo(TelemetryMode.Push);
        await Assert.That(sink.Events[0]).IsEqualTo("listing 1 [a1]");
        var pings = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Ping(link).AsTask()));
        await Assert.That(pings.All(p => p)).IsTrue();

        // A child is one server: the session, the pool's requests and the health checks all went over its one pair of pipes.
        await Assert.That(peer.Accepted).IsEqualTo(1);
        await Assert.That(ChildProcesses.Of(Environment.ProcessId).Count(c => c.CommandLine == command)).IsEqualTo(1);
        peer.Push("""{"type":"agent.status","data":{"agent_id":"a1","status":"busy"}}""");
        await Until(() => sink.Events.Any(e => e.StartsWith("push 1", StringComparison.Ordinal)), "the pushed line");
    }

    [Test]
    public async Task A_child_that_dies_degrades_the_link_is_started_again_and_the_level_recovers()
    {
        await using var peer = TestPeer.Start("a1");
        var command = Bridge(peer);
        await using var link = new McpLink(Options(command));
        var sink = new RecordingSink(link.Sessions);
        link.Start();
        await Until(() => link.Status.State == McpLinkState.Connected, "the session");
        var first = ChildOf(command);
        await Assert.That(first).IsNotEqualTo(0);

        Process.GetProcessById(first).Kill();
        await Until(() => link.Status.Session != 1, "the loss");
        await Assert.That(link.Degradation.Level).IsNotEqualTo(DegradationLevel.FullyOperational);
        await Assert.That(link.Status.LastFailure?.Message).Contains($"process {first}");
        await Until(() => sink.Events.Contains("end 1"), "the first session ended");

        await Until(() => link.Status.State == McpLinkState.Connected, "a new session with a new child");
        var second = ChildOf(command);
        await Assert.That(second).IsNotEqualTo(first);
        await Assert.That(ChildProcesses.IsAlive(first)).IsFalse();
        await Assert.That(peer.Accepted).IsEqualTo(2);
        await Until(() => link.Degradation.Level == DegradationLevel.FullyOperational, "the level back up, a step per healthy interval");
        // One loss, one climb: down to emergency, a step per healthy interval back up, nothing in between.
        var history = string.Join(", ", link.Degradation.GetStats().History.Select(c => $"{c.From}->{c.To} ({c.Reason})"));
        await Assert.That(history).IsEqualTo(
            "FullyOperational->EmergencyMode (service unavailable), EmergencyMode->PartialDegradation (healthy interval), PartialDegradation->FullyOperational (healthy interval)");
        await Assert.That(await Ping(link)).IsTrue();
    }

    [Test]
    public async Task Stopping_the_link_stops_its_child_and_leaves_nothing_running()
    {
        await using var peer = TestPeer.Start("a1");
        var command = Bridge(peer);
        var link = new McpLink(Options(command));
        _ = new RecordingSink(link.Sessions);
        link.Start();
        await Until(() => link.Status.State == McpLinkState.Connected, "the session");
        var child = ChildOf(command);

        await link.DisposeAsync();
        await Assert.That(ChildProcesses.IsAlive(child)).IsFalse();
        await Assert.That(ChildProcesses.Of(Environment.ProcessId).Where(c => c.CommandLine == command)).IsEmpty();
    }

    [Test]
    public async Task A_command_that_cannot_start_says_so_and_is_tried_again()
    {
        await using var link = new McpLink(Options("/nonexistent/mcp-server --stdio"));
        _ = new RecordingSink(link.Sessions);
        link.Start();
        await Until(() => link.Stats.FailedAttempts >= 2, "two failed attempts");

        var status = link.Status;
        await Assert.That(status.LastFailure?.Kind).IsEqualTo(McpFailureKind.Unreachable);
        await Assert.That(status.Detail).Contains("/nonexistent/mcp-server --stdio is unreachable (could not start '/nonexistent/mcp-server'");
        await Assert.That(link.Degradation.Level).IsEqualTo(DegradationLevel.EmergencyMode);
    }

    [Test]
    public async Task A_command_line_is_split_like_a_shell_without_a_shell()
    {
        await Assert.That(CommandLine.Split("npx claude-flow mcp start", out _)).IsEquivalentTo(new[] { "npx", "claude-flow", "mcp", "start" });
        await Assert.That(CommandLine.Split("  node '/opt/my tools/cli.js'  mcp\tstart ", out _)).IsEquivalentTo(new[] { "node", "/opt/my tools/cli.js", "mcp", "start" });
        await Assert.That(CommandLine.Split("run \"a \\\"quoted\\\" word\" plain\\ space $HOME", out _))
            .IsEquivalentTo(new[] { "run", "a \"quoted\" word", "plain space", "$HOME" });
        await Assert.That(CommandLine.Split("node 'cli.js", out var open)).IsNull();
        await Assert.That(open).Contains("not closed");
        await Assert.That(CommandLine.Split("   ", out var none)).IsNull();
        await Assert.That(none).IsEqualTo("no program named");
        await Assert.That(() => new McpLinkOptions { Command = "node \"cli.js" }.Validate()).Throws<ArgumentException>();
    }
}

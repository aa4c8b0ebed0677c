using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using TUnit.Core.Interfaces;
using VisionFlow.Agents;
using VisionFlow.Agents.Intake;
using VisionFlow.Connections.Link;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;
using VisionFlow.Testing;
using VisionFlow.Testing.Interop;

namespace VisionFlow.Interop.Tests;

/// <summary>
/// The product through a peer that behaves like Claude Flow's container bridge (<see cref="ContainerBridge"/>), with the
/// real claude-flow behind it as the one shared backend session.
/// </summary>
[ClassDataSource<ClaudeFlowBackend>(Shared = SharedType.PerClass)]
[NotInParallel("claude-flow")]
public sealed class ContainerBridgeTests(ClaudeFlowBackend backend)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static CancellationToken Timeout => new CancellationTokenSource(Patience).Token;

    [Test]
    public async Task Replies_are_routed_to_the_connection_that_asked_never_mixed_up()
    {
        await using var bridge = await ContainerBridge.StartAsync(backend.Port);
        await using var a = await JsonRpcConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, bridge.Port));
        await using var b = await JsonRpcConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, bridge.Port));
        var profile = await ServerProfile.DetectAsync(a, "bridge-test", Timeout);
        await ServerProfile.HandshakeAsync(b, "bridge-test", Timeout);

        // initialize is the bridge's own answer; the tools are the server's behind it.
        await Assert.That(profile.ServerName).IsEqualTo("claude-flow");
        await Assert.That(profile.ServerVersion).IsEqualTo("2.0.0-alpha.101");
        await Assert.That(profile.Tools.ContainsKey("agent_status")).IsTrue();

        var clientA = profile.CreateClient(a);
        var clientB = profile.CreateClient(b);
        var x = await clientA.SpawnAgentAsync(new AgentSpawnRequest("coder"), Timeout);
        var y = await clientB.SpawnAgentAsync(new AgentSpawnRequest("tester"), Timeout);

        // Both connections ask at once, many times, about different agents: each answer must name the agent it asked about.
        async Task<int> Ask(ISwarmClient client, string id)
        {
            var right = 0;
            for (var i = 0; i < 10; i++)
            {
                right += (await client.GetAgentAsync(id, Timeout)).Id == id ? 1 : 0;
            }

            return right;
        }

        var answers = await Task.WhenAll(Ask(clientA, x.Id), Ask(clientB, y.Id), Ask(clientA, y.Id), Ask(clientB, x.Id));
        await Assert.That(answers).IsEquivalentTo(new[] { 10, 10, 10, 10 });
        await clientA.TerminateAgentAsync(x.Id, Timeout);
        await clientB.TerminateAgentAsync(y.Id, Timeout);
    }

    [Test]
    public async Task A_notification_broadcast_to_every_pooled_connection_is_one_event()
    {
        await using var bridge = await ContainerBridge.StartAsync(backend.Port);
        var link = new McpLink(new McpLinkOptions { Host = "127.0.0.1", Port = bridge.Port, ClientVersion = "bridge-test", ConnectionTimeout = Patience });
        var intake = new TelemetryIntake(new AgentTelemetryOptions(), TimeProvider.System, link.Sessions);
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(() => intake.RunAsync(stop.Token));
        await using (link)
        {
            link.Start();
            await Eventually.UntilAsync(() => link.Status.State == McpLinkState.Connected, "the session", Patience, pollMilliseconds: 20);
            var agent = await link.ExecuteAsync((c, t) => c.SpawnAgentAsync(new AgentSpawnRequest("coder"), t), Timeout, changesState: true);

            // Calls at once open pooled connections beside the session's: the bridge now has several clients.
            await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => link.ExecuteAsync((c, t) => c.ListAgentsAsync(null, t), Timeout).AsTask()));
            await Assert.That(bridge.ClientCount).IsGreaterThanOrEqualTo(3);

            var before = intake.Counters.Lines;
            const int Broadcasts = 5;
            for (var i = 0; i < Broadcasts; i++)
            {
                // A telemetry line as the bridge relays the original server's (its JSON-RPC notifications: the next test).
                await bridge.BroadcastAsync($"{{\"type\":\"agent.status\",\"data\":{{\"agentId\":\"{agent.Id}\",\"status\":\"busy\"}}}}");
            }

            // Each reached every connection; the product reads pushes on its session's connection only, so each counts once.
            await Eventually.UntilAsync(() => intake.Counters.Lines - before >= Broadcasts, "the broadcasts", Patience, pollMilliseconds: 20);
            await link.ExecuteAsync((c, t) => c.ListAgentsAsync(null, t), Timeout); // a round trip after them, on a pooled connection
            await Assert.That(intake.Counters.Lines - before).IsEqualTo(Broadcasts);
            await link.ExecuteAsync(async (c, t) =>
            {
                await c.TerminateAgentAsync(agent.Id, t);
                return true;
            }, Timeout, changesState: true);
        }

        await stop.CancelAsync();
        await loop;
    }

    [Test]
    public async Task A_status_the_bridge_broadcasts_as_a_notification_shows_without_waiting_for_a_poll()
    {
        await using var bridge = await ContainerBridge.StartAsync(backend.Port);

        // Polls an hour apart: after the one that follows our spawn, only the notification can change what is shown.
        var slow = TimeSpan.FromHours(1);
        var link = new McpLink(new McpLinkOptions
        {
            Host = "127.0.0.1", Port = bridge.Port, ClientVersion = "bridge-test", ConnectionTimeout = Patience, PollMinInterval = slow, PollMaxInterval = slow,
        });
        var intake = new TelemetryIntake(new AgentTelemetryOptions { StaleAfterIntervals = 1_000_000, RemoveAfterIntervals = 2_000_000 }, TimeProvider.System, link.Sessions);
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(() => intake.RunAsync(stop.Token));
        await using (link)
        {
            link.Start();
            await Eventually.UntilAsync(() => link.Status.State == McpLinkState.Connected, "the session", Patience, pollMilliseconds: 20);
            var lists = intake.Counters.AgentListsParsed;
            var agent = await link.ExecuteAsync((c, t) => c.SpawnAgentAsync(new AgentSpawnRequest("coder"), t), Timeout, changesState: true);
            await Eventually.UntilAsync(() => intake.Counters.AgentListsParsed > lists && intake.Cache.Snapshot.Agents.Any(a => a.Id == agent.Id), "the listing after the spawn", Patience, pollMilliseconds: 20);
            var listed = intake.Cache.Snapshot.Agents.Single(a => a.Id == agent.Id).Status;
            await Assert.That(listed).IsNotEqualTo("busy");
            lists = intake.Counters.AgentListsParsed;

            await bridge.BroadcastAsync($"{{\"jsonrpc\":\"2.0\",\"method\":\"agent/status\",\"params\":{{\"agentId\":\"{agent.Id}\",\"status\":\"busy\"}}}}");
            await Eventually.UntilAsync(() => intake.Cache.Snapshot.Agents.Single(a => a.Id == agent.Id).Status == "busy", "the pushed status", Patience, pollMilliseconds: 20);
            await Assert.That(intake.Counters.AgentListsParsed).IsEqualTo(lists); // no poll brought it

            // MCP's own housekeeping is no telemetry: not a line the intake reads.
            var lines = intake.Counters.Lines;
            await bridge.BroadcastAsync("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"hello\"}}");
            await bridge.BroadcastAsync($"{{\"jsonrpc\":\"2.0\",\"method\":\"agent/status\",\"params\":{{\"agentId\":\"{agent.Id}\",\"status\":\"idle\"}}}}");
            await Eventually.UntilAsync(() => intake.Cache.Snapshot.Agents.Single(a => a.Id == agent.Id).Status == "idle", "the second status", Patience, pollMilliseconds: 20);
            await Assert.That(intake.Counters.Lines - lines).IsEqualTo(1);
            await link.ExecuteAsync(async (c, t) =>
            {
                await c.TerminateAgentAsync(agent.Id, t);
                return true;
            }, Timeout, changesState: true);
        }

        await stop.CancelAsync();
        await loop;
    }

    [Test]
    public async Task At_its_limit_the_bridge_answers_a_json_error_line_and_closes()
    {
        await using var bridge = await ContainerBridge.StartAsync(backend.Port, maxConnections: 1);
        await using var first = await JsonRpcConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, bridge.Port));
        await ServerProfile.HandshakeAsync(first, "bridge-test", Timeout);

        using var second = new TcpClient();
        await second.ConnectAsync(IPAddress.Loopback, bridge.Port);
        using var reader = new StreamReader(second.GetStream(), Encoding.UTF8);
        var line = await reader.ReadLineAsync(Timeout);
        using var error = JsonDocument.Parse(line!);
        await Assert.That(error.RootElement.GetProperty("error").GetProperty("code").GetInt32()).IsEqualTo(-32000);
        await Assert.That(error.RootElement.GetProperty("error").GetProperty("message").GetString()).Contains("limit");
        await Assert.That(await reader.ReadLineAsync(Timeout)).IsNull(); // closed
        await Assert.That(bridge.Refused).IsEqualTo(1);

        // The first connection is unaffected.
        await new VisionFlow.Protocol.Contracts.Mcp.McpDialectClient(first).PingAsync(Timeout);
    }

    [Test]
    public async Task With_a_token_the_link_authenticates_and_a_client_without_it_is_refused()
    {
        const string Token = "bridge-token-0123456789";
        await using var bridge = await ContainerBridge.StartAsync(backend.Port, token: Token);

        using (var stranger = new TcpClient())
        {
            await stranger.ConnectAsync(IPAddress.Loopback, bridge.Port);
            var stream = stranger.GetStream();
            await stream.WriteAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"u8.ToArray());
            using var reader = new StreamReader(stream, Encoding.UTF8);
            using var refused = JsonDocument.Parse((await reader.ReadLineAsync(Timeout))!);
            await Assert.That(refused.RootElement.GetProperty("error").GetProperty("code").GetInt32()).IsEqualTo(-32000);
            await Assert.That(await reader.ReadLineAsync(Timeout)).IsNull();
        }

        var link = new McpLink(new McpLinkOptions { Host = "127.0.0.1", Port = bridge.Port, ClientVersion = "bridge-test", ApiKey = Token, ConnectionTimeout = Patience });
        var intake = new TelemetryIntake(new AgentTelemetryOptions(), TimeProvider.System, link.Sessions);
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(() => intake.RunAsync(stop.Token));
        await using (link)
        {
            link.Start();
            await Eventually.UntilAsync(() => link.Status.State == McpLinkState.Connected, "the authenticated session", Patience, pollMilliseconds: 20);
            await Assert.That(link.Status.Profile!.ServerName).IsEqualTo("claude-flow");
        }

        await stop.CancelAsync();
        await loop;
    }
}

/// <summary>The real claude-flow behind socat: the one backend the bridges of a test class share.</summary>
public sealed class ClaudeFlowBackend : IAsyncInitializer, IAsyncDisposable
{
    private int? _pid;

    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            Port = ((IPEndPoint)l.LocalEndpoint).Port;
        }

        _pid = await McpServers.StartAsync(McpServers.ClaudeFlow, Port);
    }

    public async ValueTask DisposeAsync()
    {
        if (_pid is { } pid)
        {
            await McpServers.StopAsync(pid);
        }
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using VisionFlow.Server.Configuration;
using VisionFlow.Testing;
using VisionFlow.Testing.Hosting;
using static VisionFlow.Testing.JsonPolling;

namespace VisionFlow.Server.Tests;

/// <summary>
/// What a user sees through the REST surface at each seam of the MCP link: a hung peer, a restarted one with other
/// agents, concurrent spawns at the agent limit, MCP switched off, a command sent while the first connection is made,
/// values the peer does not report, and an operation a plain server does not offer.
/// </summary>
public sealed class LinkSeamTests
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static ServerOptions OptionsFor(int port, int maxAgents = 50) => SimulatedSwarmTests.OptionsFor(port, maxAgents);

    [Test]
    public async Task A_peer_that_accepts_and_never_answers_lowers_the_degradation_level()
    {
        await using var peer = TestPeer.Start();
        peer.Hung = true;
        await using var server = await RunningServer.StartAsync(OptionsFor(peer.Port) with
        {
            McpConnectionTimeout = TimeSpan.FromMilliseconds(300),
            McpReconnectAttemptTimeout = TimeSpan.FromMilliseconds(200),
        });

        var health = await WaitForJsonAsync(server.Http, "/api/health/network",
            r => r.GetProperty("degradation_level").GetString() != "fully_operational", "a lower level while the peer hangs");
        await Assert.That(health.GetProperty("status").GetString()).IsEqualTo("unhealthy");
        var status = await WaitForJsonAsync(server.Http, "/api/bots/status",
            r => r.GetProperty("last_failure").ValueKind == JsonValueKind.Object, "the failure named");
        await Assert.That(status.GetProperty("last_failure").GetProperty("kind").GetString()).IsEqualTo("timeout");
        await Assert.That(status.GetProperty("mcp_state").GetString()).IsNotEqualTo("connected");
    }

    [Test]
    public async Task A_restarted_peer_with_other_agents_replaces_the_old_ones_at_once()
    {
        await using var peer = TestPeer.Start("old-1", "old-2", "old-3");
        await using var server = await RunningServer.StartAsync(OptionsFor(peer.Port));
        await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 3, "the first session's agents");

        await peer.StopAsync();
        await WaitForJsonAsync(server.Http, "/api/bots/agents", r => !r.GetProperty("available").GetBoolean(), "the loss");
        peer.Restart("new-1", "new-2");

        // From the moment agents are shown again, only the new session's are: no stale ghosts of the old one.
        var seen = await WaitForJsonAsync(server.Http, "/api/bots/agents", r =>
        {
            if (!r.GetProperty("available").GetBoolean())
            {
                return false;
            }

            var ids = r.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("id").GetString()!).ToList();
            return ids.Count > 0 && (ids.Any(id => id.StartsWith("old", StringComparison.Ordinal)) ? throw new InvalidOperationException("ghost: " + string.Join(",", ids)) : true);
        }, "the new session's agents");
        await Assert.That(seen.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("id").GetString()!).Order())
            .IsEquivalentTo(new[] { "new-1", "new-2" });
    }

    [Test]
    public async Task The_agent_limit_holds_when_spawns_arrive_at_once()
    {
        await using var peer = TestPeer.Start();
        peer.SpawnGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RunningServer.StartAsync(OptionsFor(peer.Port, maxAgents: 2));
        await WaitForJsonAsync(server.Http, "/api/bots/status", r => r.GetProperty("mcp_state").GetString() == "connected", "the link");

        // All eight are in flight before any spawn completes: admission cannot lean on telemetry catching up.
        var posts = Enumerable.Range(0, 8).Select(_ => server.Http.PostAsync("/api/bots/agents", Json("""{"type":"coder"}"""))).ToList();
        var refused = 0;
        while (refused < 6)
        {
            var done = await Task.WhenAny(posts);
            posts.Remove(done);
            using var response = await done;
            await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
            await Assert.That(await response.Content.ReadAsStringAsync()).Contains("MCP_MAX_AGENTS is 2");
            refused++;
        }

        await Assert.That(peer.Spawns).IsLessThanOrEqualTo(2);
        peer.SpawnGate.SetResult();
        foreach (var post in posts)
        {
            using var response = await post;
            await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.Created);
        }

        await Assert.That(peer.Spawns).IsEqualTo(2);
        // Right after the replies, before telemetry can have shown them, the slots are still taken.
        using var ninth = await server.Http.PostAsync("/api/bots/agents", Json("""{"type":"coder"}"""));
        await Assert.That(ninth.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        var agents = await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 2, "both agents shown");
        await Assert.That(agents.GetProperty("agents_over_limit").GetInt32()).IsEqualTo(0);
    }

    [Test]
    public async Task Agents_the_peer_reports_beyond_the_limit_are_counted_and_said_so()
    {
        await using var peer = TestPeer.Start("a-1", "a-2", "a-3", "a-4", "a-5");
        await using var server = await RunningServer.StartAsync(OptionsFor(peer.Port, maxAgents: 3));
        var agents = await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 3, "three shown");
        await Assert.That(agents.GetProperty("agents_over_limit").GetInt32()).IsEqualTo(2);
        var status = JsonDocument.Parse(await server.Http.GetStringAsync("/api/bots/status")).RootElement;
        await Assert.That(status.GetProperty("agents_over_limit").GetInt32()).IsEqualTo(2);
        using var spawn = await server.Http.PostAsync("/api/bots/agents", Json("""{"type":"coder"}"""));
        await Assert.That(spawn.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        await Assert.That(await spawn.Content.ReadAsStringAsync()).Contains("2 more reported by the server beyond the limit");
    }

    [Test]
    public async Task Mcp_switched_off_is_reported_as_disabled_everywhere()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false, RateLimitPerSecond = 0, PhysicsBackend = "cpu" });
        var health = JsonDocument.Parse(await server.Http.GetStringAsync("/api/health/network")).RootElement;
        var connection = health.GetProperty("mcp_connection");
        await Assert.That(connection.GetProperty("status").GetString()).IsEqualTo("disabled");
        await Assert.That(connection.GetProperty("circuit_breaker_state").GetString()).IsEqualTo("disabled");
        await Assert.That(connection.GetProperty("health_score").ValueKind).IsEqualTo(JsonValueKind.Null);
        var patterns = health.GetProperty("resilience_patterns");
        await Assert.That(patterns.GetProperty("circuit_breaker").GetString()).IsEqualTo("disabled");
        await Assert.That(patterns.GetProperty("retry_logic").GetString()).IsEqualTo("disabled");
        await Assert.That(patterns.GetProperty("connection_pooling").GetString()).IsEqualTo("disabled");
        await Assert.That(health.GetProperty("degradation_level").GetString()).IsEqualTo("fully_operational");
        var status = JsonDocument.Parse(await server.Http.GetStringAsync("/api/bots/status")).RootElement;
        await Assert.That(status.GetProperty("mcp_state").GetString()).IsEqualTo("disabled");
        await Assert.That(status.GetProperty("telemetry_mode").GetString()).IsEqualTo("disabled");
        using var spawn = await server.Http.PostAsync("/api/bots/agents", Json("""{"type":"coder"}"""));
        await Assert.That(spawn.StatusCode).IsEqualTo(HttpStatusCode.ServiceUnavailable);
        await Assert.That(await spawn.Content.ReadAsStringAsync()).Contains("ENABLE_MCP=false");
    }

    [Test]
    public async Task A_command_sent_while_the_first_connection_is_made_waits_for_it()
    {
        // The peer holds its handshake until the test lets it go: the link stays "connecting" for as long as that takes.
        await using var peer = TestPeer.Start();
        peer.HandshakeGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RunningServer.StartAsync(OptionsFor(peer.Port));
        var status = JsonDocument.Parse(await server.Http.GetStringAsync("/api/bots/status")).RootElement;
        await Assert.That(status.GetProperty("mcp_state").GetString()).IsEqualTo("connecting");

        // The command is let through only once it is waiting on the link, so it cannot arrive after the connection.
        var spawning = server.Http.PostAsync("/api/bots/agents", Json("""{"type":"coder"}"""));
        await Eventually.UntilAsync(() => Waiting(server) > 0 || spawning.IsCompleted, "the command waiting for the connection", TimeSpan.FromSeconds(20));
        await Assert.That(spawning.IsCompleted).IsFalse();
        peer.HandshakeGate.SetResult();
        using var spawn = await spawning;
        await Assert.That(spawn.StatusCode).IsEqualTo(HttpStatusCode.Created);
    }

    [Test]
    public async Task Lookups_of_unknown_ids_are_answers_not_failures_of_the_link()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 1);
        await using var server = await RunningServer.StartAsync(OptionsFor(swarm.Port));
        await WaitForJsonAsync(server.Http, "/api/bots/status", r => r.GetProperty("mcp_state").GetString() == "connected", "the link");

        for (var i = 0; i < 12; i++)
        {
            using var lookup = await server.Http.GetAsync($"/api/bots/agents/ghost-{i}");
            await Assert.That(lookup.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        }

        // The server answered every one: the link's statistics (and the tuning that reads them) saw no failure.
        var health = JsonDocument.Parse(await server.Http.GetStringAsync("/api/health/network")).RootElement;
        var stats = health.GetProperty("network_stats");
        await Assert.That(stats.GetProperty("failed_requests").GetInt64()).IsEqualTo(0L);
        await Assert.That(stats.GetProperty("successful_requests").GetInt64()).IsGreaterThanOrEqualTo(12L);
        await Assert.That(health.GetProperty("degradation_level").GetString()).IsEqualTo("fully_operational");
        await Assert.That(health.GetProperty("mcp_connection").GetProperty("circuit_breaker_state").GetString()).IsEqualTo("closed");
    }

    [Test]
    public async Task A_command_to_a_peer_that_is_not_there_says_what_was_tried()
    {
        var port = FreePort();
        await using var server = await RunningServer.StartAsync(OptionsFor(port));
        using var spawn = await server.Http.PostAsync("/api/bots/agents", Json("""{"type":"coder"}"""));
        await Assert.That(spawn.StatusCode).IsEqualTo(HttpStatusCode.ServiceUnavailable);
        await Assert.That(await spawn.Content.ReadAsStringAsync()).Contains($"127.0.0.1:{port} refused the connection");
        var status = JsonDocument.Parse(await server.Http.GetStringAsync("/api/bots/status")).RootElement;
        await Assert.That(status.GetProperty("mcp_address").GetString()).IsEqualTo($"127.0.0.1:{port}");
        await Assert.That(status.GetProperty("last_failure").GetProperty("kind").GetString()).IsEqualTo("refused");
    }

    [Test]
    public async Task Values_the_peer_does_not_report_are_null()
    {
        await using var peer = TestPeer.Start("bare-1");
        await using var server = await RunningServer.StartAsync(OptionsFor(peer.Port));
        var agents = await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 1, "the agent");
        var agent = agents.GetProperty("agents")[0];
        await Assert.That(agent.GetProperty("type").GetString()).IsEqualTo("coder");
        foreach (var field in new[] { "cpu_usage", "memory_usage", "tokens_used", "tasks_active", "swarm_id", "status" })
        {
            await Assert.That(agent.GetProperty(field).ValueKind).IsEqualTo(JsonValueKind.Null);
        }
    }

    [Test]
    public async Task An_operation_a_plain_server_lacks_is_501_not_offered()
    {
        await using var peer = TestPeer.Start("a-1");
        await using var server = await RunningServer.StartAsync(OptionsFor(peer.Port));
        await WaitForJsonAsync(server.Http, "/api/bots/status", r => r.GetProperty("mcp_state").GetString() == "connected", "the link");
        using var task = await server.Http.PostAsync("/api/bots/tasks", Json("""{"description":"x","agent_ids":["a-1"]}"""));
        await Assert.That(task.StatusCode).IsEqualTo(HttpStatusCode.NotImplemented);
        await Assert.That(await task.Content.ReadAsStringAsync()).Contains("task.assign is not offered");
        var health = JsonDocument.Parse(await server.Http.GetStringAsync("/api/health/network")).RootElement;
        await Assert.That(health.GetProperty("degradation_level").GetString()).IsEqualTo("fully_operational");
    }

    /// <summary>Requests waiting on the link for its connection, as <c>/metrics</c> says.</summary>
    private static int Waiting(RunningServer server)
    {
        var metrics = server.Http.GetStringAsync("/metrics").GetAwaiter().GetResult();
        var line = metrics.Split('\n').Single(l => l.StartsWith("visionflow_mcp_requests_waiting ", StringComparison.Ordinal));
        return (int)double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

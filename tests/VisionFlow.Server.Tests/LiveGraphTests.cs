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
/// The graph as users see it on <c>/ws</c>: the knowledge graph needs no MCP (streamed in EmergencyMode, hidden only in
/// SafeMode), and an agent event reaches the stream without waiting on timers.
/// </summary>
public sealed class LiveGraphTests
{
    private const int SampleNotes = 13;

    [Test]
    public async Task With_mcp_unreachable_the_knowledge_graph_is_laid_out_and_streamed()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions
        {
            McpHost = "127.0.0.1",
            McpPort = FreePort(),
            McpReconnectDelay = TimeSpan.FromMilliseconds(100),
            RateLimitPerSecond = 0,
            PhysicsBackend = "cpu",
        });
        await WaitForJsonAsync(server.Http, "/api/health/network", r => r.GetProperty("degradation_level").GetString() == "emergency_mode", "emergency mode");

        await using var stream = await StreamClient.ConnectAsync(server.Address);
        var topology = await stream.ReceiveTextAsync("topology", t => t.GetProperty("nodes").GetInt32() > 0);
        await Assert.That(topology.GetProperty("nodes").GetInt32()).IsEqualTo(SampleNotes);
        var frame = await stream.ReceiveBinaryAsync();
        var ids = StreamClient.Ids(frame);
        await Assert.That(ids.Length).IsEqualTo(SampleNotes); // complete, although real-time updates are off
        await Assert.That(ids.All(id => (id & 0x80000000u) == 0)).IsTrue();
    }

    [Test]
    public async Task Safe_mode_hides_the_knowledge_graph()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 1, token: "the-right-token");
        await using var server = await RunningServer.StartAsync(new ServerOptions
        {
            McpHost = "127.0.0.1",
            McpPort = swarm.Port,
            McpApiKey = "a-wrong-token",
            RateLimitPerSecond = 0,
            PhysicsBackend = "cpu",
        });
        await WaitForJsonAsync(server.Http, "/api/health/network", r => r.GetProperty("degradation_level").GetString() == "safe_mode", "safe mode");
        var graph = await WaitForJsonAsync(server.Http, "/api/graph", r => !r.GetProperty("knowledge_graph_enabled").GetBoolean(), "the knowledge graph off");
        await Assert.That(graph.GetProperty("nodes").GetArrayLength()).IsEqualTo(0);

        // The client may connect while the last layout is still the one before SafeMode: it then gets that complete frame
        // first (each client does), and the empty layout the moment physics applies it.
        await using var stream = await StreamClient.ConnectAsync(server.Address);
        var topology = await stream.ReceiveTextAsync("topology", t => t.GetProperty("nodes").GetInt32() == 0);
        await Assert.That(topology.GetProperty("nodes").GetInt32()).IsEqualTo(0);
    }

    [Test]
    public async Task A_spawned_agent_appears_on_the_stream()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 3);
        await using var server = await RunningServer.StartAsync(new ServerOptions
        {
            McpHost = "127.0.0.1",
            McpPort = swarm.Port,
            RateLimitPerSecond = 0,
            PhysicsBackend = "cpu",
        });
        var agents = await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 3, "three agents");

        // The simulator's agents are in swarms: each swarm is a hub node of the agent graph too.
        var swarms = agents.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("swarm_id").GetString()).OfType<string>().Distinct().Count();
        await WaitForJsonAsync(server.Http, "/api/graph", r => r.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("kind").GetString() == "swarm") == swarms, "the swarm hubs");
        var before = SampleNotes + 3 + swarms;
        await using var stream = await StreamClient.ConnectAsync(server.Address);
        await stream.ReceiveTextAsync("topology", t => t.GetProperty("nodes").GetInt32() == before);

        using var spawn = await server.Http.PostAsync("/api/bots/agents", new StringContent("""{"type":"coder"}""", Encoding.UTF8, "application/json"));
        await Assert.That(spawn.StatusCode).IsEqualTo(HttpStatusCode.Created);
        var topology = await stream.ReceiveTextAsync("topology", t => t.GetProperty("nodes").GetInt32() == before + 1);
        await Assert.That(topology.GetProperty("nodes").GetInt32()).IsEqualTo(before + 1);
        var frame = await stream.ReceiveBinaryAsync();
        // An agent's node (0x80000000 | key), not a hub: the hubs share bit 31.
        await Assert.That(StreamClient.Ids(frame).Count(id => (id & 0xC0000000u) == 0x80000000u)).IsGreaterThanOrEqualTo(1);
    }

    [Test]
    public async Task An_agent_spawned_through_the_api_is_shown_before_the_peer_reports_it()
    {
        // A peer that pushes telemetry but sends this agent's event with a later frame (the simulator does so at 10 Hz):
        // the spawn's answer already names the agent, so it is shown within the round trip.
        await using var peer = TestPeer.Start();
        peer.PushesSpawned = false;
        await using var server = await RunningServer.StartAsync(new ServerOptions
        {
            McpHost = "127.0.0.1",
            McpPort = peer.Port,
            RateLimitPerSecond = 0,
            PhysicsBackend = "cpu",
        });
        await WaitForJsonAsync(server.Http, "/api/bots/status", r => r.GetProperty("telemetry_mode").GetString() == "push", "a push session");
        await using var stream = await StreamClient.ConnectAsync(server.Address);
        await stream.ReceiveTextAsync("topology", t => t.GetProperty("nodes").GetInt32() == SampleNotes);

        using var spawn = await server.Http.PostAsync("/api/bots/agents", new StringContent("""{"type":"coder"}""", Encoding.UTF8, "application/json"));
        await Assert.That(spawn.StatusCode).IsEqualTo(HttpStatusCode.Created);
        await stream.ReceiveTextAsync("topology", t => t.GetProperty("nodes").GetInt32() == SampleNotes + 1);
        var agents = await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 1, "the spawned agent");
        await Assert.That(agents.GetProperty("agents")[0].GetProperty("type").GetString()).IsEqualTo("coder");
        await Assert.That(peer.Listings).IsEqualTo(1); // the session's first listing only: nothing was re-listed
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

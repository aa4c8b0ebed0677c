using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VisionFlow.Server.Configuration;
using VisionFlow.Testing.Hosting;
using static VisionFlow.Testing.JsonPolling;

namespace VisionFlow.Server.Tests;

/// <summary>
/// The whole stack against a real JSON-RPC server over loopback TCP (the project's simulator): telemetry into the
/// agent cache, REST commands through the pool and resilience pipeline, the dual graph, and degradation when the peer
/// dies and recovery when it returns.
/// </summary>
public sealed class SimulatedSwarmTests
{
    internal static ServerOptions OptionsFor(SimulatedSwarm swarm, int maxAgents = 50) => OptionsFor(swarm.Port, maxAgents);

    /// <summary>A peer on 127.0.0.1:<paramref name="port"/> with the link's timings shortened so seams show in seconds.</summary>
    internal static ServerOptions OptionsFor(int port, int maxAgents = 50) => new()
    {
        McpHost = "127.0.0.1",
        McpPort = port,
        McpMaxAgents = maxAgents,
        McpReconnectAttempts = 2,
        McpReconnectDelay = TimeSpan.FromMilliseconds(50),
        McpConnectionTimeout = TimeSpan.FromSeconds(5),
        HealthCheckInterval = TimeSpan.FromMilliseconds(100),
        DegradationRecoveryInterval = TimeSpan.FromMilliseconds(100),
        RateLimitPerSecond = 0,
        PhysicsBackend = "cpu",
    };

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Test]
    public async Task Pushed_telemetry_fills_the_agent_cache_labelled_as_simulated()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 12);
        await using var server = await RunningServer.StartAsync(OptionsFor(swarm));

        var agents = await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 12, "12 agents");
        await Assert.That(agents.GetProperty("available").GetBoolean()).IsTrue();
        await Assert.That(agents.GetProperty("source").GetString()).IsEqualTo("simulator");
        await Assert.That(agents.GetProperty("simulated").GetBoolean()).IsTrue();
        foreach (var agent in agents.GetProperty("agents").EnumerateArray())
        {
            await Assert.That(agent.GetProperty("node_id").GetUInt32() & 0x80000000u).IsEqualTo(0x80000000u);
        }

        using var status = JsonDocument.Parse(await server.Http.GetStringAsync("/api/bots/status"));
        await Assert.That(status.RootElement.GetProperty("simulated").GetBoolean()).IsTrue();
        await Assert.That(status.RootElement.GetProperty("telemetry_mode").GetString()).IsEqualTo("push");
        await Assert.That(status.RootElement.GetProperty("server").GetString()).Contains("visionflow-simulator");
    }

    [Test]
    public async Task The_agents_body_is_rebuilt_per_snapshot_into_a_few_recycled_buffers_and_is_always_whole()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 300);
        await using var server = await RunningServer.StartAsync(OptionsFor(swarm, maxAgents: 300));
        await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 300, "300 agents");
        var cache = server.Services.GetRequiredService<Api.AgentsResponseCache>();

        // Eight concurrent pollers until at least 24 bodies and three different snapshots were read: the simulator
        // changes every agent ten times a second, so the body is rebuilt while some responses are still being written.
        // Counted, not timed, so a busy machine only makes it slower (the cap only ends a run that never gets there).
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        var total = 0;
        using var stop = new CancellationTokenSource();
        using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var pollers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && !cap.IsCancellationRequested)
            {
                var body = await server.Http.GetStringAsync("/api/bots/agents");
                using var doc = JsonDocument.Parse(body);
                var agents = doc.RootElement.GetProperty("agents");
                if (agents.GetArrayLength() != 300 || doc.RootElement.GetProperty("count").GetInt32() != 300)
                {
                    throw new InvalidOperationException("a body without all 300 agents");
                }

                seen[agents[0].GetProperty("cpu_usage").GetRawText() + agents[299].GetProperty("tokens_used").GetRawText()] = true;
                if (Interlocked.Increment(ref total) >= 24 && seen.Count >= 3)
                {
                    await stop.CancelAsync();
                }
            }
        })).ToArray();
        await Task.WhenAll(pollers);

        await Assert.That(stop.IsCancellationRequested).IsTrue().Because($"{total} bodies and {seen.Count} snapshots read in 60 s");
        await Assert.That(cache.BuffersCreated).IsGreaterThan(0).And.IsLessThanOrEqualTo(10);
    }

    [Test]
    public async Task Commands_flow_through_rest_to_the_server_and_back()
    {
        await using var swarm = SimulatedSwarm.Start();
        await using var server = await RunningServer.StartAsync(OptionsFor(swarm));
        await WaitForJsonAsync(server.Http, "/api/bots/status", r => r.GetProperty("mcp_state").GetString() == "connected", "a connection");

        using var init = await server.Http.PostAsync("/api/bots/multi-agent/init", Json("{\"topology\":\"mesh\",\"max_agents\":6,\"agent_types\":[\"coder\",\"tester\"],\"task\":\"build it\"}"));
        await Assert.That(init.StatusCode).IsEqualTo(HttpStatusCode.Created);
        var swarmId = JsonDocument.Parse(await init.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        using var swarmStatus = await server.Http.GetAsync($"/api/bots/multi-agent/{swarmId}");
        await Assert.That(swarmStatus.StatusCode).IsEqualTo(HttpStatusCode.OK);

        using var spawn = await server.Http.PostAsync("/api/bots/agents", Json($"{{\"type\":\"reviewer\",\"swarm_id\":\"{swarmId}\"}}"));
        await Assert.That(spawn.StatusCode).IsEqualTo(HttpStatusCode.Created);
        var agentId = JsonDocument.Parse(await spawn.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 3, "3 agents");
        using var agent = await server.Http.GetAsync($"/api/bots/agents/{agentId}");
        await Assert.That(agent.StatusCode).IsEqualTo(HttpStatusCode.OK);

        using var task = await server.Http.PostAsync("/api/bots/tasks", Json($"{{\"description\":\"review the diff\",\"priority\":\"high\",\"agent_ids\":[\"{agentId}\"]}}"));
        await Assert.That(task.StatusCode).IsEqualTo(HttpStatusCode.Created);
        var taskId = JsonDocument.Parse(await task.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        using var taskStatus = await server.Http.GetAsync($"/api/bots/tasks/{taskId}");
        await Assert.That(taskStatus.StatusCode).IsEqualTo(HttpStatusCode.OK);
        using var cancel = await server.Http.DeleteAsync($"/api/bots/tasks/{taskId}");
        await Assert.That(cancel.StatusCode).IsEqualTo(HttpStatusCode.OK);

        using var terminate = await server.Http.DeleteAsync($"/api/bots/agents/{agentId}");
        await Assert.That(terminate.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        using var dissolve = await server.Http.DeleteAsync($"/api/bots/multi-agent/{swarmId}");
        await Assert.That(dissolve.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
    }

    [Test]
    public async Task Unknown_ids_are_404_and_bad_input_is_400()
    {
        await using var swarm = SimulatedSwarm.Start();
        await using var server = await RunningServer.StartAsync(OptionsFor(swarm));
        await WaitForJsonAsync(server.Http, "/api/bots/status", r => r.GetProperty("mcp_state").GetString() == "connected", "a connection");

        using var missingAgent = await server.Http.GetAsync("/api/bots/agents/agent-does-not-exist");
        await Assert.That(missingAgent.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        using var missingTask = await server.Http.GetAsync("/api/bots/tasks/task-nope");
        await Assert.That(missingTask.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        using var badId = await server.Http.GetAsync("/api/bots/agents/" + Uri.EscapeDataString("x y<z>"));
        await Assert.That(badId.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        using var badTopology = await server.Http.PostAsync("/api/bots/multi-agent/init", Json("{\"topology\":\"blob\"}"));
        await Assert.That(badTopology.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        using var tooMany = await server.Http.PostAsync("/api/bots/multi-agent/init", Json("{\"topology\":\"mesh\",\"max_agents\":5000}"));
        await Assert.That(tooMany.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        using var noType = await server.Http.PostAsync("/api/bots/agents", Json("{}"));
        await Assert.That(noType.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Spawning_beyond_MCP_MAX_AGENTS_is_refused_with_409()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 3);
        await using var server = await RunningServer.StartAsync(OptionsFor(swarm, maxAgents: 3));
        await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 3, "3 agents");
        using var spawn = await server.Http.PostAsync("/api/bots/agents", Json("{\"type\":\"coder\"}"));
        await Assert.That(spawn.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        await Assert.That(await spawn.Content.ReadAsStringAsync()).Contains("MCP_MAX_AGENTS");
    }

    [Test]
    public async Task Graph_holds_knowledge_and_agent_nodes_with_bit_31()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 5);
        await using var server = await RunningServer.StartAsync(OptionsFor(swarm));
        var graph = await WaitForJsonAsync(server.Http, "/api/graph",
            r => r.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("kind").GetString() == "agent") == 5, "5 agent nodes");
        var nodes = graph.GetProperty("nodes").EnumerateArray().ToList();
        await Assert.That(nodes.Count(n => n.GetProperty("kind").GetString() == "knowledge")).IsGreaterThan(5);
        foreach (var node in nodes)
        {
            // Bit 31: the agent graph, its agents and its hubs (the simulator's agents are in swarms).
            var id = node.GetProperty("id").GetUInt32();
            var expected = (id & 0xE0000000u) switch
            {
                0xC0000000u => "swarm",
                0xE0000000u => "task",
                _ when (id & 0x80000000u) != 0 => "agent",
                _ => "knowledge",
            };
            await Assert.That(node.GetProperty("kind").GetString()).IsEqualTo(expected);
        }

        await Assert.That(graph.GetProperty("edges").GetArrayLength()).IsGreaterThan(0);
        await Assert.That(graph.GetProperty("agent_graph_available").GetBoolean()).IsTrue();
    }

    [Test]
    public async Task Graph_edges_join_nodes_of_their_kind_and_note_ids_stay_put_across_rebuilds()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 5);
        await using var server = await RunningServer.StartAsync(OptionsFor(swarm));
        static bool HasFlows(JsonElement r) => r.GetProperty("edges").EnumerateArray().Any(e => e.GetProperty("kind").GetString() == "message_flow");
        var first = await WaitForJsonAsync(server.Http, "/api/graph", HasFlows, "a message_flow edge");
        var version = first.GetProperty("version").GetInt64();
        var later = await WaitForJsonAsync(server.Http, "/api/graph", r => r.GetProperty("version").GetInt64() > version && HasFlows(r), "a later rebuild");

        foreach (var graph in new[] { first, later })
        {
            var kinds = graph.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetUInt32(), n => n.GetProperty("kind").GetString());
            foreach (var edge in graph.GetProperty("edges").EnumerateArray())
            {
                var (source, target) = edge.GetProperty("kind").GetString() switch
                {
                    "link" => ("knowledge", "knowledge"),
                    "membership" => ("agent", "swarm"),
                    "assignment" => ("task", "agent"),
                    _ => ("agent", "agent"),
                };
                await Assert.That(kinds[edge.GetProperty("source").GetUInt32()]).IsEqualTo(source);
                await Assert.That(kinds[edge.GetProperty("target").GetUInt32()]).IsEqualTo(target);
                await Assert.That(edge.GetProperty("source").GetUInt32()).IsNotEqualTo(edge.GetProperty("target").GetUInt32());
            }
        }

        static Dictionary<string, uint> Notes(JsonElement g) => g.GetProperty("nodes").EnumerateArray()
            .Where(n => n.GetProperty("kind").GetString() == "knowledge")
            .ToDictionary(n => n.GetProperty("label").GetString()!, n => n.GetProperty("id").GetUInt32());
        await Assert.That(Notes(later)).IsEquivalentTo(Notes(first));
    }

    [Test]
    public async Task Network_health_has_the_seed_shape_with_live_numbers()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 2);
        await using var server = await RunningServer.StartAsync(OptionsFor(swarm));
        await WaitForJsonAsync(server.Http, "/api/bots/status", r => r.GetProperty("mcp_state").GetString() == "connected", "a connection");
        (await server.Http.GetAsync("/api/bots/agents/agent-missing")).Dispose();
        var health = await WaitForJsonAsync(server.Http, "/api/health/network",
            r => r.GetProperty("mcp_connection").GetProperty("health_score") is { ValueKind: JsonValueKind.Number } score && score.GetDouble() > 0,
            "a positive health score (null until the first ping)");
        var mcp = health.GetProperty("mcp_connection");
        await Assert.That(mcp.GetProperty("circuit_breaker_state").GetString()).IsEqualTo("closed");
        await Assert.That(mcp.GetProperty("connection_pool").GetProperty("total_connections").GetInt32()).IsGreaterThan(0);
        await Assert.That(mcp.GetProperty("connection_pool").GetProperty("max_connections").GetInt32()).IsGreaterThan(0);
        await Assert.That(health.GetProperty("degradation_level").GetString()).IsEqualTo("fully_operational");
        await Assert.That(health.GetProperty("network_stats").GetProperty("total_requests").GetInt64()).IsGreaterThan(0);
        await Assert.That(health.TryGetProperty("resilience_patterns", out _)).IsTrue();
        await Assert.That(health.TryGetProperty("status", out _)).IsTrue();
    }

    [Test]
    public async Task Killing_the_peer_degrades_and_empties_agents_then_restarting_recovers_without_restarting_us()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 4);
        await using var server = await RunningServer.StartAsync(OptionsFor(swarm));
        await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 4, "4 agents");

        await swarm.KillAsync();
        var down = await WaitForJsonAsync(server.Http, "/api/bots/agents", r => !r.GetProperty("available").GetBoolean(), "the agent graph unavailable");
        await Assert.That(down.GetProperty("count").GetInt32()).IsEqualTo(0);
        await Assert.That(down.GetProperty("source").GetString()).IsEqualTo("none");
        await Assert.That(down.GetProperty("unavailable_reason").GetString()).IsNotNull();
        var degraded = await WaitForJsonAsync(server.Http, "/api/health/network",
            r => r.GetProperty("degradation_level").GetString() != "fully_operational", "a lower degradation level");
        await Assert.That(degraded.GetProperty("degradation_level").GetString()).IsNotEqualTo("fully_operational");
        // Five consecutive failed requests (health pings included) open the breaker.
        await WaitForJsonAsync(server.Http, "/api/health/network",
            r => r.GetProperty("mcp_connection").GetProperty("circuit_breaker_state").GetString() == "open", "the circuit breaker open");

        using var command = await server.Http.PostAsync("/api/bots/agents", Json("{\"type\":\"coder\"}"));
        await Assert.That(command.StatusCode).IsEqualTo(HttpStatusCode.ServiceUnavailable);
        await Assert.That(await command.Content.ReadAsStringAsync()).Contains("degradation_level");

        swarm.StartServer(agents: 3);
        var recovered = await WaitForJsonAsync(server.Http, "/api/health/network", r => r.GetProperty("degradation_level").GetString() == "fully_operational", "full recovery");
        await Assert.That(recovered.GetProperty("mcp_connection").GetProperty("circuit_breaker_state").GetString()).IsEqualTo("closed");
        await Assert.That(recovered.GetProperty("network_stats").GetProperty("circuit_breaker_trips").GetInt64()).IsGreaterThanOrEqualTo(1);
        await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 3 && r.GetProperty("available").GetBoolean(), "the new server's 3 agents");
    }

    [Test]
    public async Task Without_any_server_reads_are_empty_and_commands_are_503()
    {
        var options = new ServerOptions { McpHost = "127.0.0.1", McpPort = 1, McpReconnectDelay = TimeSpan.FromMilliseconds(50), RateLimitPerSecond = 0, PhysicsBackend = "cpu" };
        await using var server = await RunningServer.StartAsync(options);
        var agents = await WaitForJsonAsync(server.Http, "/api/bots/status", r => r.GetProperty("mcp_state").GetString() == "unavailable", "unavailable");
        await Assert.That(agents.GetProperty("agent_count").GetInt32()).IsEqualTo(0);
        using var list = JsonDocument.Parse(await server.Http.GetStringAsync("/api/bots/agents"));
        await Assert.That(list.RootElement.GetProperty("agents").GetArrayLength()).IsEqualTo(0);
        await Assert.That(list.RootElement.GetProperty("available").GetBoolean()).IsFalse();
        using var init = await server.Http.PostAsync("/api/bots/multi-agent/init", Json("{\"topology\":\"mesh\"}"));
        await Assert.That(init.StatusCode).IsEqualTo(HttpStatusCode.ServiceUnavailable);
        using var health = JsonDocument.Parse(await server.Http.GetStringAsync("/api/health"));
        var mcp = health.RootElement.GetProperty("subsystems").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "mcp");
        await Assert.That(mcp.GetProperty("state").GetString()).IsEqualTo("down");
    }

    [Test]
    public async Task Mcp_api_key_authenticates_to_the_bridge_and_a_wrong_one_means_safe_mode()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 2, token: "bridge-secret");
        await using (var server = await RunningServer.StartAsync(OptionsFor(swarm) with { McpApiKey = "bridge-secret" }))
        {
            await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 2, "2 agents after authenticating");
        }

        await using var refused = await RunningServer.StartAsync(OptionsFor(swarm) with { McpApiKey = "wrong-secret" });
        var health = await WaitForJsonAsync(refused.Http, "/api/health/network", r => r.GetProperty("degradation_level").GetString() == "safe_mode", "safe mode");
        await Assert.That(health.GetProperty("degradation_level").GetString()).IsEqualTo("safe_mode");
        using var agents = JsonDocument.Parse(await refused.Http.GetStringAsync("/api/bots/agents"));
        await Assert.That(agents.RootElement.GetProperty("count").GetInt32()).IsEqualTo(0);
    }
}

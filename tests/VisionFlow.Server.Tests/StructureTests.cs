using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Server.Mcp;
using VisionFlow.Server.Structure;
using VisionFlow.Testing;
using VisionFlow.Testing.Hosting;
using static VisionFlow.Testing.JsonPolling;

namespace VisionFlow.Server.Tests;

/// <summary>
/// Swarms and tasks tracked server-side (one owner, change sets), the membership our commands made, and both drawn as
/// hubs of the agent graph: the whole stack against the simulator over loopback TCP.
/// </summary>
public sealed class StructureTests
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Test]
    public async Task Init_and_a_task_are_tracked_listed_and_drawn_as_connected_hubs()
    {
        await using var swarm = SimulatedSwarm.Start();
        var options = SimulatedSwarmTests.OptionsFor(swarm) with { StructurePollInterval = TimeSpan.FromMinutes(10) };
        await using var server = await RunningServer.StartAsync(options);
        var tracker = server.Services.GetRequiredService<McpServices>().Structure;
        var changes = new ConcurrentQueue<StructureChanges>();
        tracker.Changed += changes.Enqueue;
        await WaitForJsonAsync(server.Http, "/api/bots/status", r => r.GetProperty("mcp_state").GetString() == "connected", "a connection");

        using var init = await server.Http.PostAsync("/api/bots/multi-agent/init", Json("""{"topology":"mesh","max_agents":4,"agent_types":["coder","tester"]}"""));
        await Assert.That(init.StatusCode).IsEqualTo(HttpStatusCode.Created);
        var body = JsonDocument.Parse(await init.Content.ReadAsStringAsync()).RootElement;
        var swarmId = body.GetProperty("id").GetString()!;
        var agentIds = body.GetProperty("agent_ids").EnumerateArray().Select(a => a.GetString()!).ToList();

        // Read before the answer: the interval is ten minutes, so only the command's own refresh can have listed it.
        await Assert.That(tracker.Snapshot.Swarms.Select(s => s.Id)).Contains(swarmId);
        await Assert.That(changes.SelectMany(c => c.Swarms.Added).Select(s => s.Id)).Contains(swarmId);
        var swarms = JsonDocument.Parse(await server.Http.GetStringAsync("/api/bots/swarms")).RootElement;
        await Assert.That(swarms.GetProperty("swarms").EnumerateArray().Select(s => s.GetProperty("id").GetString())).Contains(swarmId);

        var agents = await WaitForJsonAsync(server.Http, "/api/bots/agents",
            r => agentIds.All(id => r.GetProperty("agents").EnumerateArray().Any(a => a.GetProperty("id").GetString() == id)), "the swarm's agents");
        foreach (var agent in agents.GetProperty("agents").EnumerateArray().Where(a => agentIds.Contains(a.GetProperty("id").GetString()!)))
        {
            await Assert.That(agent.GetProperty("swarm_id").GetString()).IsEqualTo(swarmId);
        }

        using var create = await server.Http.PostAsync("/api/bots/tasks", Json($$"""{"description":"review the diff","priority":"high","agent_ids":["{{agentIds[0]}}"]}"""));
        await Assert.That(create.StatusCode).IsEqualTo(HttpStatusCode.Created);
        var taskId = JsonDocument.Parse(await create.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var tasks = JsonDocument.Parse(await server.Http.GetStringAsync("/api/bots/tasks")).RootElement;
        var listed = tasks.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("id").GetString() == taskId);
        await Assert.That(listed.GetProperty("assigned_to").EnumerateArray().Select(a => a.GetString())).Contains(agentIds[0]);
        await Assert.That(changes.SelectMany(c => c.Tasks.Added).Select(t => t.Id)).Contains(taskId);
        var versions = changes.Select(c => c.Version).ToList();
        await Assert.That(versions).IsEquivalentTo(versions.Order().Distinct().ToList()); // one increasing version per change set

        // The graph: a swarm hub with an edge from each member, a task hub with an edge to its agent.
        var graph = await WaitForJsonAsync(server.Http, "/api/graph",
            r => r.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("kind").GetString() == "task" && n.GetProperty("label").GetString() == taskId)
                && r.GetProperty("edges").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "membership") >= 2, "the hubs");
        var nodes = graph.GetProperty("nodes").EnumerateArray().ToList();
        var hub = nodes.Single(n => n.GetProperty("kind").GetString() == "swarm" && n.GetProperty("label").GetString() == swarmId).GetProperty("id").GetUInt32();
        await Assert.That(hub & 0xE0000000u).IsEqualTo(0xC0000000u);
        var taskHub = nodes.Single(n => n.GetProperty("kind").GetString() == "task" && n.GetProperty("label").GetString() == taskId).GetProperty("id").GetUInt32();
        await Assert.That(taskHub & 0xE0000000u).IsEqualTo(0xE0000000u);
        var nodeOf = nodes.Where(n => n.GetProperty("kind").GetString() == "agent").ToDictionary(n => n.GetProperty("label").GetString()!, n => n.GetProperty("id").GetUInt32());
        var edges = graph.GetProperty("edges").EnumerateArray()
            .Select(e => (Source: e.GetProperty("source").GetUInt32(), Target: e.GetProperty("target").GetUInt32(), Kind: e.GetProperty("kind").GetString())).ToList();
        foreach (var id in agentIds)
        {
            await Assert.That(edges).Contains((nodeOf[id], hub, "membership"));
        }

        await Assert.That(edges).Contains((taskHub, nodeOf[agentIds[0]], "assignment"));
    }

    [Test]
    public async Task Swarms_and_tasks_reach_ws_clients_whole_on_connect_then_only_what_changed()
    {
        await using var swarm = SimulatedSwarm.Start();
        var options = SimulatedSwarmTests.OptionsFor(swarm) with { StructurePollInterval = TimeSpan.FromMinutes(10) };
        await using var server = await RunningServer.StartAsync(options);
        await WaitForJsonAsync(server.Http, "/api/bots/status", r => r.GetProperty("mcp_state").GetString() == "connected", "a connection");
        using var init = await server.Http.PostAsync("/api/bots/multi-agent/init", Json("""{"topology":"mesh","max_agents":4,"agent_types":["coder"]}"""));
        await Assert.That(init.StatusCode).IsEqualTo(HttpStatusCode.Created);
        var swarmId = JsonDocument.Parse(await init.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        // On connect: every swarm the tracker holds, shaped as GET /api/bots/swarms lists it.
        await using var stream = await StreamClient.ConnectAsync(server.Address);
        var full = await stream.ReceiveTextAsync("swarms", m => m.TryGetProperty("full", out _)
            && m.GetProperty("swarms").EnumerateArray().Any(s => s.GetProperty("id").GetString() == swarmId));
        var listed = JsonDocument.Parse(await server.Http.GetStringAsync("/api/bots/swarms")).RootElement.GetProperty("swarms")
            .EnumerateArray().Single(s => s.GetProperty("id").GetString() == swarmId);
        var streamed = full.GetProperty("swarms").EnumerateArray().Single(s => s.GetProperty("id").GetString() == swarmId);
        await Assert.That(streamed.EnumerateObject().Select(p => p.Name).Order()).IsEquivalentTo(listed.EnumerateObject().Select(p => p.Name).Order());
        await stream.ReceiveTextAsync("tasks", m => m.TryGetProperty("full", out _));

        // A task created through REST: the tracker's read after the command arrives as a changed item, no poll needed.
        using var create = await server.Http.PostAsync("/api/bots/tasks", Json("""{"description":"review the diff","priority":"high"}"""));
        await Assert.That(create.StatusCode).IsEqualTo(HttpStatusCode.Created);
        var taskId = JsonDocument.Parse(await create.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var added = await stream.ReceiveTextAsync("tasks", m => m.TryGetProperty("changed", out var c)
            && c.EnumerateArray().Any(t => t.GetProperty("id").GetString() == taskId));
        var item = added.GetProperty("changed").EnumerateArray().Single(t => t.GetProperty("id").GetString() == taskId);
        await Assert.That(item.GetProperty("description").GetString()).IsEqualTo("review the diff");
    }

    [Test]
    public async Task Reads_that_find_nothing_new_come_further_apart_and_a_command_brings_the_interval_back()
    {
        await using var swarm = SimulatedSwarm.Start();
        var options = SimulatedSwarmTests.OptionsFor(swarm) with { StructurePollInterval = TimeSpan.FromMilliseconds(100) };
        await using var server = await RunningServer.StartAsync(options);
        var tracker = server.Services.GetRequiredService<McpServices>().Structure;
        await WaitForJsonAsync(server.Http, "/api/bots/status", r => r.GetProperty("mcp_state").GetString() == "connected", "a connection");

        // Nothing changes on the server: read after read the period doubles, up to eight intervals, and stays there.
        var seen = new ConcurrentQueue<TimeSpan>();
        await Eventually.UntilAsync(() =>
        {
            seen.Enqueue(tracker.Period);
            return tracker.Period == TimeSpan.FromMilliseconds(800);
        }, "the period stretched to eight intervals", TimeSpan.FromSeconds(30), pollMilliseconds: 5);
        await Assert.That(seen.Distinct().Where(p => p > TimeSpan.FromMilliseconds(800))).IsEmpty();
        var reads = tracker.Reads;
        await Eventually.UntilAsync(() => tracker.Reads >= reads + 2, "two more reads", TimeSpan.FromSeconds(30));
        await Assert.That(tracker.Period).IsEqualTo(TimeSpan.FromMilliseconds(800));

        // A command reads at once and brings the interval back.
        using var init = await server.Http.PostAsync("/api/bots/multi-agent/init", Json("""{"topology":"mesh","max_agents":2,"agent_types":["coder"]}"""));
        await Assert.That(init.StatusCode).IsEqualTo(HttpStatusCode.Created);
        await Assert.That(tracker.Period).IsEqualTo(TimeSpan.FromMilliseconds(100));
    }

    [Test]
    public async Task Without_a_link_nothing_is_read_and_the_listings_say_why()
    {
        var options = SimulatedSwarmTests.OptionsFor(port: 1) with { StructurePollInterval = TimeSpan.FromMilliseconds(100) };
        await using var server = await RunningServer.StartAsync(options);
        var tracker = server.Services.GetRequiredService<McpServices>().Structure;
        using var tasks = await server.Http.GetAsync("/api/bots/tasks");
        await Assert.That(tasks.StatusCode).IsEqualTo(HttpStatusCode.ServiceUnavailable);
        await Assert.That(tracker.Snapshot.Available).IsFalse();
        await Assert.That(tracker.Snapshot.Tasks).IsEmpty();
    }

    [Test]
    public async Task A_change_set_names_what_was_added_updated_and_removed()
    {
        TaskSummary Task(string id, string status, params string[] to) => new(id, "d", status, null, to, "high");
        var before = new[] { Task("t1", "pending"), Task("t2", "pending"), Task("t3", "pending", "a1") };
        var after = new[] { Task("t1", "pending"), Task("t2", "in_progress", "a1"), Task("t3", "pending", "a1"), Task("t4", "pending") };
        var changes = StructureTracker.Diff(before, [.. after.Where(t => t.Id != "t1")], static t => t.Id, StructureTracker.SameTask);
        await Assert.That(changes.Added.Select(t => t.Id)).IsEquivalentTo(new[] { "t4" });
        await Assert.That(changes.Updated.Select(t => t.Id)).IsEquivalentTo(new[] { "t2" });
        await Assert.That(changes.Removed).IsEquivalentTo(new[] { "t1" });

        // Equal by content, not by the list instances a new read makes.
        var again = StructureTracker.Diff(after, [.. after.Select(t => t with { AssignedTo = [.. t.AssignedTo] })], static t => t.Id, StructureTracker.SameTask);
        await Assert.That(again.HasChanges).IsFalse();
        var swarm = new SwarmInfo("s1", "mesh", "active", 4, 2, null, ["a1", "a2"]);
        await Assert.That(StructureTracker.SameSwarm(swarm, swarm with { AgentIds = ["a1", "a2"] })).IsTrue();
        await Assert.That(StructureTracker.SameSwarm(swarm, swarm with { AgentCount = 3 })).IsFalse();
    }
}

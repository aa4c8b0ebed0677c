using VisionFlow.Agents.Cache;
using VisionFlow.Agents.Graph;
using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Agents.Tests;

/// <summary>Swarms and open tasks as hubs of the agent graph, joined to their members and assignees.</summary>
public sealed class StructureHubsTests
{
    private static AgentInfo Agent(int key, string id, string? swarm) =>
        new(id, NodeIds.Agent(key), "coder", "idle", null, null, null, null, swarm, DateTimeOffset.UnixEpoch, null, false);

    private static AgentSnapshot Agents(params AgentInfo[] agents) => new(1, true, 50, agents, [], DateTimeOffset.UnixEpoch);

    private static TaskSummary Task(string id, string? status, params string[] to) => new(id, "d", status, null, to, null);

    [Test]
    public async Task A_swarm_and_its_open_tasks_are_one_connected_shape()
    {
        var graph = new DualGraph();
        var agents = Agents(Agent(1, "a1", "s1"), Agent(2, "a2", "s1"), Agent(3, "a3", "s2"), Agent(4, "a4", null));
        SwarmInfo[] swarms = [new("s1", "mesh", "active", 4, 2, null), new("old", "mesh", "terminated", 4, 0, null)];
        TaskSummary[] tasks = [Task("t1", "in_progress", "a1", "a4", "gone"), Task("t2", "completed", "a2"), Task("t3", "pending")];
        var build = graph.Build(null, agents, null, swarms, tasks);

        // s1 (listed), s2 (named by a3 only, its fields unknown); not the terminated one. t1 and t3 open; t2 done.
        await Assert.That(build.SwarmHubs.Select(s => s.Id)).IsEquivalentTo(new[] { "s1", "s2" });
        await Assert.That(build.SwarmHubs.Single(s => s.Id == "s2").Topology).IsNull();
        await Assert.That(build.TaskHubs.Select(t => t.Id)).IsEquivalentTo(new[] { "t1", "t3" });
        await Assert.That(build.NodeCount).IsEqualTo(4 + 2 + 2);
        var hubs = build.HubIds.ToArray();
        await Assert.That(hubs.Take(2).All(NodeIds.IsSwarm)).IsTrue();
        await Assert.That(hubs.Skip(2).All(NodeIds.IsTask)).IsTrue();
        await Assert.That(hubs.All(NodeIds.IsAgent)).IsTrue(); // bit 31: the agent graph

        var s1 = hubs[0];
        var s2 = hubs[1];
        var t1 = hubs[2];
        await Assert.That(build.HubEdges()).IsEquivalentTo(new[]
        {
            (s1, NodeIds.Agent(1), false), (s1, NodeIds.Agent(2), false), (s2, NodeIds.Agent(3), false),
            (t1, NodeIds.Agent(1), true), (t1, NodeIds.Agent(4), true),
        });

        // Physics gets the hubs and their edges (indices into Ids).
        var ids = graph.Ids.ToArray();
        await Assert.That(ids).Contains(s1);
        var s1Index = Array.IndexOf(ids, s1);
        var a1Index = Array.IndexOf(ids, NodeIds.Agent(1));
        await Assert.That(graph.Edges.ToArray().Any(e => e.A == s1Index && e.B == a1Index)).IsTrue();
    }

    [Test]
    public async Task A_hub_keeps_its_id_while_shown_and_the_layout_is_reused_while_nothing_changed()
    {
        var graph = new DualGraph();
        var agents = Agents(Agent(1, "a1", "s1"));
        TaskSummary[] tasks = [Task("t1", "pending", "a1")];
        var first = graph.Build(null, agents, null, [], tasks);
        var swarmHub = first.HubIds[0];
        var taskHub = first.HubIds[1];

        // Same inputs: the same placement (no new hub ids, nothing recomputed).
        var second = graph.Build(null, Agents(Agent(1, "a1", "s1")), null, [], tasks);
        await Assert.That(second.HubIds.ToArray()).IsEquivalentTo(new[] { swarmHub, taskHub });

        // A new task: the old hubs keep their ids.
        var third = graph.Build(null, agents, null, [], [Task("t0", "pending"), .. tasks]);
        await Assert.That(third.HubIds.ToArray()).Contains(swarmHub);
        await Assert.That(third.HubIds.ToArray()).Contains(taskHub);
        await Assert.That(third.HubIds.ToArray().Distinct().Count()).IsEqualTo(3);

        // The agent graph off: no hubs.
        var off = graph.Build(null, null, "down", [], tasks);
        await Assert.That(off.HubIds.Length).IsEqualTo(0);
        await Assert.That(off.HubEdges()).IsEmpty();
    }
}

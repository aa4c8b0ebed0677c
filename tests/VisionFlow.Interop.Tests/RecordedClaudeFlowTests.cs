using System.Text;
using System.Text.Json;
using VisionFlow.Agents;
using VisionFlow.Agents.Cache;
using VisionFlow.Agents.Intake;
using VisionFlow.Connections.Link;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Testing.Interop;

namespace VisionFlow.Interop.Tests;

/// <summary>
/// The product's reading of agents, swarms and tasks against replies recorded from the real Claude Flow 3.43.0
/// (<c>tests/interop/capture.py</c>; the fixture notes name the versions), replayed without a server: the command
/// answers (<see cref="ISwarmClient"/>) and the live cache (the telemetry intake reading a listing) must agree.
/// </summary>
public sealed class RecordedClaudeFlowTests
{
    private static readonly RecordedTranscript Handshake = RecordedTranscript.Load("claude-flow.handshake");
    private static readonly RecordedTranscript Agents = RecordedTranscript.Load("claude-flow.agents");
    private static readonly RecordedTranscript Tasks = RecordedTranscript.Load("claude-flow.tasks");
    private static readonly RecordedTranscript Refusals = RecordedTranscript.Load("claude-flow.refusals");

    private static readonly string[] Accepted =
    [
        "coder", "reviewer", "tester", "planner", "researcher", "security-architect", "security-auditor", "memory-specialist",
        "swarm-specialist", "integration-architect", "performance-engineer", "core-architect", "test-architect",
        "queen-coordinator", "project-coordinator",
    ];

    [Test]
    public async Task The_agent_types_are_learnt_from_the_servers_own_refusal()
    {
        var (profile, replay) = await DetectAsync();
        await Assert.That(profile.AgentTypes.Types).IsEquivalentTo(Accepted);
        await Assert.That(profile.AgentTypes.Source).IsEqualTo("validation");
        // The probe was an agent_spawn without agentType, which the server refuses and which makes nothing.
        await Assert.That(replay.Sent.Single(s => s.Name == "agent_spawn").Params).Contains("\"arguments\":{}");
    }

    [Test]
    public async Task A_refused_spawn_relays_the_reason_and_teaches_the_types()
    {
        var (profile, replay) = await DetectAsync(Refusals.Calls("agent_spawn")[0]);
        var client = profile.CreateClient(replay);
        var refused = await Assert.That(async () => await client.SpawnAgentAsync(new AgentSpawnRequest("coordinator"), CancellationToken.None)).Throws<ToolFailedException>();
        await Assert.That(refused!.Message).Contains("expected one of");
        await Assert.That(profile.AgentTypes.Types).IsEquivalentTo(Accepted);
    }

    [Test]
    public async Task A_listing_and_a_command_answer_read_every_reported_field_the_same_way()
    {
        var listing = Agents.Calls("agent_list").Single();
        var (profile, replay) = await DetectAsync(listing);
        var answered = await profile.CreateClient(replay).ListAgentsAsync(null, CancellationToken.None);

        var feed = new McpSessionFeed(64 * 1024);
        var intake = new TelemetryIntake(new AgentTelemetryOptions(), TimeProvider.System, feed);
        var applied = feed.PublishListingAsync(1, Encoding.UTF8.GetBytes(listing.Text), CancellationToken.None);
        await intake.ProcessBatchAsync();
        await Assert.That(await applied).IsTrue();
        var cached = (await SnapshotAsync(intake)).Agents;

        await Assert.That(answered.Count).IsEqualTo(4);
        await Assert.That(cached.Count).IsEqualTo(4);
        using var raw = JsonDocument.Parse(listing.Text);
        foreach (var item in raw.RootElement.GetProperty("agents").EnumerateArray())
        {
            var id = item.GetProperty("agentId").GetString();
            var a = answered.Single(x => x.Id == id);
            var c = cached.Single(x => x.Id == id);
            var created = item.GetProperty("createdAt").GetDateTimeOffset();

            // Reported, so never null, and the same in both readers.
            await Assert.That(a.Type).IsEqualTo(item.GetProperty("agentType").GetString());
            await Assert.That(c.Type).IsEqualTo(a.Type);
            await Assert.That(a.Status).IsEqualTo(item.GetProperty("status").GetString());
            await Assert.That(c.Status).IsEqualTo(a.Status);
            await Assert.That(a.Health).IsEqualTo(item.GetProperty("health").GetDouble());
            await Assert.That((double?)c.Health).IsEqualTo(a.Health);
            await Assert.That(a.TasksActive).IsEqualTo(item.GetProperty("taskCount").GetInt32());
            await Assert.That(c.TasksActive).IsEqualTo(a.TasksActive);
            await Assert.That(a.CreatedAt).IsEqualTo(created);
            await Assert.That(c.CreatedAt).IsEqualTo(created);

            // Not reported by Claude Flow, so unknown in both, never zero.
            await Assert.That(a.CpuUsage).IsNull();
            await Assert.That(c.CpuUsage).IsNull();
            await Assert.That(a.MemoryUsage).IsNull();
            await Assert.That(c.MemoryUsage).IsNull();
            await Assert.That(a.TokensUsed).IsNull();
            await Assert.That(c.TokensUsed).IsNull();
            await Assert.That(c.Model).IsNull(); // agent_list does not say; agent_spawn does
        }
    }

    [Test]
    public async Task A_spawn_answer_carries_the_model_and_the_cache_keeps_it_through_listings()
    {
        var spawn = Agents.Calls("agent_spawn").Single(e => e.Arguments.TryGetProperty("model", out var m) && m.GetString() == "haiku");
        var (profile, replay) = await DetectAsync(spawn);
        var swarm = spawn.Arguments.GetProperty("swarmId").GetString();
        var agent = await profile.CreateClient(replay).SpawnAgentAsync(new AgentSpawnRequest("researcher", swarm, Model: "haiku"), CancellationToken.None);
        await Assert.That(replay.Sent.Last().Params).Contains("\"model\":\"haiku\"");
        await Assert.That(agent.Model).IsEqualTo("haiku");
        await Assert.That(agent.Status).IsEqualTo("registered");
        await Assert.That(agent.SwarmId).IsEqualTo(swarm);
        await Assert.That(agent.CreatedAt).IsNotNull();

        var feed = new McpSessionFeed(64 * 1024);
        var intake = new TelemetryIntake(new AgentTelemetryOptions(), TimeProvider.System, feed);
        var listing = Agents.Calls("agent_list").Single();
        var first = feed.PublishListingAsync(1, "{\"agents\":[]}"u8.ToArray(), CancellationToken.None);
        await intake.ProcessBatchAsync();
        await first;
        intake.OnAgentSpawned(1, agent);
        var next = feed.PublishListingAsync(1, Encoding.UTF8.GetBytes(listing.Text), CancellationToken.None);
        await intake.ProcessBatchAsync();
        await next;
        var shown = (await SnapshotAsync(intake)).Agents.Single(a => a.Id == agent.Id);
        await Assert.That(shown.Model).IsEqualTo("haiku"); // from our spawn's answer
        await Assert.That(shown.SwarmId).IsEqualTo(swarm); // we spawned it there; agent_list does not say
        await Assert.That(shown.Status).IsEqualTo("idle"); // the listing is newer than the answer
        await Assert.That(shown.Health).IsEqualTo(1f);
    }

    [Test]
    public async Task Tasks_are_listed_and_assigned_as_the_server_reports_them()
    {
        var listing = Tasks.Calls("task_list")[1];
        var assign = Tasks.Calls("task_assign").Single();
        var status = Tasks.Calls("task_status")[0];
        var (profile, replay) = await DetectAsync(listing, assign, status);
        var client = profile.CreateClient(replay);

        var tasks = await client.ListTasksAsync(CancellationToken.None);
        await Assert.That(tasks.Total).IsEqualTo(2);
        await Assert.That(tasks.Tasks.Select(t => t.Description ?? "")).IsEquivalentTo(new[] { "Survey the options", "Build a REST API" });
        var assigned = tasks.Tasks.Single(t => t.Description == "Build a REST API");
        await Assert.That(assigned.AssignedTo.Count).IsEqualTo(1);
        await Assert.That(assigned.Type).IsEqualTo("feature");
        await Assert.That(assigned.Priority).IsEqualTo("high");
        await Assert.That(assigned.Progress).IsEqualTo(0d);

        var taskId = assign.Arguments.GetProperty("taskId").GetString()!;
        var agents = assign.Arguments.GetProperty("agentIds").EnumerateArray().Select(a => a.GetString()!).ToList();
        var task = await client.AssignTaskAsync(taskId, agents, CancellationToken.None);
        await Assert.That(task.Status).IsEqualTo("in_progress");
        await Assert.That(task.AssignedTo).IsEquivalentTo(agents);
        await Assert.That(replay.Sent.Single(s => s.Name == "task_assign").Params).Contains(agents[1]);
    }

    [Test]
    public async Task Swarms_are_the_newest_and_the_known_ones_with_the_servers_total()
    {
        var none = Agents.Calls("swarm_status")[0];
        var newest = Agents.Calls("swarm_status")[1];
        var (profile, replay) = await DetectAsync(none, newest);
        var client = profile.CreateClient(replay);

        var empty = await client.ListSwarmsAsync([], CancellationToken.None);
        await Assert.That(empty.Swarms).IsEmpty();
        await Assert.That(empty.Total).IsEqualTo(0);

        var one = await client.ListSwarmsAsync([], CancellationToken.None);
        var swarm = one.Swarms.Single();
        await Assert.That(one.Total).IsEqualTo(1);
        await Assert.That(swarm.Topology).IsEqualTo("mesh");
        await Assert.That(swarm.Status).IsEqualTo("running");
        await Assert.That(swarm.TaskCount).IsEqualTo(0);
        await Assert.That(swarm.Strategy).IsEqualTo("balanced");
        await Assert.That(swarm.CreatedAt).IsNotNull();
    }

    [Test]
    public async Task An_initialize_refused_half_way_is_rolled_back_and_says_exactly_what_happened()
    {
        var spawns = Refusals.Calls("agent_spawn").Where(e => e.Arguments.TryGetProperty("swarmId", out _)).ToArray();
        var (profile, replay) = await DetectAsync([Refusals.Calls("swarm_init").Single(), .. spawns,
            Refusals.Calls("agent_terminate").Single(), Refusals.Calls("swarm_shutdown").Single()]);
        var swarmId = Refusals.Calls("swarm_shutdown").Single().Arguments.GetProperty("swarmId").GetString();
        var coder = Refusals.Calls("agent_terminate").Single().Arguments.GetProperty("agentId").GetString();

        var failed = await Assert.That(async () => await profile.CreateClient(replay).InitializeSwarmAsync(
            new SwarmInitRequest("mesh", 2, null, ["coder", "coordinator"], null), CancellationToken.None)).Throws<SwarmInitFailedException>();
        await Assert.That(failed!.FailedType).IsEqualTo("coordinator");
        await Assert.That(failed.Reason).Contains("expected one of");
        await Assert.That(failed.SwarmId).IsEqualTo(swarmId);
        await Assert.That(failed.RolledBackAgentIds).IsEquivalentTo(new[] { coder });
        await Assert.That(failed.SwarmRolledBack).IsTrue();
        await Assert.That(failed.RemainingAgentIds).IsEmpty();
        await Assert.That(failed.AcceptedTypes).IsEquivalentTo(Accepted);
        await Assert.That(failed.Message).Contains("rolled back");

        // The undo went to exactly what the command had made.
        await Assert.That(replay.Sent.Single(s => s.Name == "agent_terminate").Params).Contains(coder!);
        await Assert.That(replay.Sent.Single(s => s.Name == "swarm_shutdown").Params).Contains(swarmId!);
    }

    /// <summary>A fresh snapshot, built by a batch of the intake's own (no loop runs in these tests).</summary>
    private static async Task<AgentSnapshot> SnapshotAsync(TelemetryIntake intake)
    {
        var snapshot = intake.Cache.GetSnapshotAsync();
        await intake.ProcessBatchAsync();
        return await snapshot;
    }

    /// <summary>Detects the recorded server (initialize, tools/list, the agent-type probe), then answers <paramref name="calls"/>.</summary>
    private static async Task<(ServerProfile Profile, ReplayInvoker Replay)> DetectAsync(params RecordedExchange[] calls)
    {
        var probe = Refusals.Calls("agent_spawn").Single(e => e.Arguments.EnumerateObject().Any() == false);
        var replay = new ReplayInvoker([.. Handshake.Exchanges.Where(e => e.Method is "initialize" or "tools/list"), probe, .. calls]);
        var profile = await ServerProfile.DetectAsync(replay, "recorded-test", CancellationToken.None);
        return (profile, replay);
    }
}

using System.Text.Json;
using VisionFlow.Protocol.Contracts.Plain;

namespace VisionFlow.Generators.Tests;

/// <summary>The generated PlainDialectClient talking to PlainDialectDispatch through a loopback invoker.</summary>
public sealed class PlainDialectRoundTripTests
{
    private readonly FakePlainDialect _server = new();
    private readonly LoopbackInvoker _invoker;
    private readonly PlainDialectClient _client;

    public PlainDialectRoundTripTests()
    {
        _invoker = new LoopbackInvoker(PlainDialectDispatch.Create(_server));
        _client = new PlainDialectClient(_invoker);
    }

    [Test]
    public async Task Dispatch_table_registers_every_seed_method()
    {
        var table = PlainDialectDispatch.Create(_server);

        await Assert.That(table.Methods.Order(StringComparer.Ordinal).ToList()).IsEquivalentTo(
        [
            "agent.list", "agent.spawn", "agent.status", "agent.terminate",
            "multi-agent.dissolve", "multi-agent.initialize", "multi-agent.status",
            "system.ping", "task.assign", "task.cancel", "task.status", "telemetry.subscribe",
        ]);
        await Assert.That(PlainDialectMethods.SpawnAgent).IsEqualTo("agent.spawn");
        await Assert.That(PlainDialectMethods.InitializeMultiAgent).IsEqualTo("multi-agent.initialize");
        await Assert.That(PlainDialectMethods.SubscribeTelemetry).IsEqualTo("telemetry.subscribe");
    }

    [Test]
    public async Task Agent_spawn_sends_the_seed_request_shape_and_returns_the_result()
    {
        var result = await _client.SpawnAgentAsync(new AgentSpawnParams
        {
            Type = "coordinator",
            Task = "Build a REST API",
            Config = new AgentConfig { MaxTokens = 4000, Temperature = 0.7 },
        });

        await Assert.That(_invoker.Sent.Single()).IsEqualTo(("agent.spawn", """{"type":"coordinator","task":"Build a REST API","config":{"max_tokens":4000,"temperature":0.7}}"""));
        await Assert.That(_invoker.LastResult).IsEqualTo("""{"agent_id":"agent-coordinator","status":"active","session_id":"session-4000"}""");
        await Assert.That(result).IsEqualTo(new AgentSpawnResult { AgentId = "agent-coordinator", Status = "active", SessionId = "session-4000" });
        await Assert.That(((AgentSpawnParams)_server.Received.Single()!).Config!.Temperature).IsEqualTo(0.7);
    }

    [Test]
    public async Task Agent_list_without_params_omits_them_and_the_server_sees_null()
    {
        var result = await _client.ListAgentsAsync(null);

        await Assert.That(_invoker.Sent.Single()).IsEqualTo(("agent.list", (string?)null));
        await Assert.That(_server.Received.Single()).IsNull();
        await Assert.That(result.Agents.Single().Status).IsEqualTo("any");
    }

    [Test]
    public async Task Agent_list_with_params_sends_filter_and_limit()
    {
        var result = await _client.ListAgentsAsync(new AgentListParams { Filter = "active", Limit = 5 });

        await Assert.That(_invoker.Sent.Single().Params).IsEqualTo("""{"filter":"active","limit":5}""");
        await Assert.That(result.Agents.Single().Status).IsEqualTo("active");
        await Assert.That(result.Agents.Single().TasksActive).IsEqualTo(5);
    }

    [Test]
    public async Task Agent_terminate_and_status_send_agent_id()
    {
        var terminated = await _client.TerminateAgentAsync(new AgentIdParams { AgentId = "agent-001" });
        var status = await _client.GetAgentStatusAsync(new AgentIdParams { AgentId = "agent-002" });

        await Assert.That(_invoker.Sent[0]).IsEqualTo(("agent.terminate", """{"agent_id":"agent-001"}"""));
        await Assert.That(_invoker.Sent[1]).IsEqualTo(("agent.status", """{"agent_id":"agent-002"}"""));
        await Assert.That(terminated).IsEqualTo(new AgentTerminateResult { AgentId = "agent-001", Status = "terminated" });
        await Assert.That(status).IsEqualTo(new AgentStatusResult { AgentId = "agent-002", Status = "active", CpuUsage = 45.2, MemoryUsage = 128.5, TasksActive = 3, TokensUsed = 1523 });
        await Assert.That(_invoker.LastResult).IsEqualTo("""{"agent_id":"agent-002","status":"active","cpu_usage":45.2,"memory_usage":128.5,"tasks_active":3,"tokens_used":1523}""");
    }

    [Test]
    public async Task Multi_agent_methods_use_the_seeds_multi_agent_id_key()
    {
        var created = await _client.InitializeMultiAgentAsync(new MultiAgentInitializeParams { Topology = "mesh", Agents = ["coordinator", "coder"], Task = "ship it" });
        var status = await _client.GetMultiAgentStatusAsync(new MultiAgentIdParams { MultiAgentId = created.MultiAgentId });
        var dissolved = await _client.DissolveMultiAgentAsync(new MultiAgentIdParams { MultiAgentId = created.MultiAgentId });

        await Assert.That(_invoker.Sent[0]).IsEqualTo(("multi-agent.initialize", """{"topology":"mesh","agents":["coordinator","coder"],"task":"ship it"}"""));
        await Assert.That(_invoker.Sent[1]).IsEqualTo(("multi-agent.status", """{"multi-agent_id":"ma-mesh"}"""));
        await Assert.That(_invoker.Sent[2]).IsEqualTo(("multi-agent.dissolve", """{"multi-agent_id":"ma-mesh"}"""));
        await Assert.That(created.Agents!.Select(a => a.AgentId).ToList()).IsEquivalentTo(["coordinator-0", "coder-1"]);
        await Assert.That(status.Status).IsEqualTo("active");
        await Assert.That(dissolved).IsEqualTo(new MultiAgentDissolveResult { MultiAgentId = "ma-mesh", Status = "dissolved" });
    }

    [Test]
    public async Task Task_methods_round_trip()
    {
        var assigned = await _client.AssignTaskAsync(new TaskAssignParams { AgentId = "agent-001", Task = "write tests" });
        var running = await _client.GetTaskStatusAsync(new TaskIdParams { TaskId = assigned.TaskId });
        var cancelled = await _client.CancelTaskAsync(new TaskIdParams { TaskId = assigned.TaskId });

        await Assert.That(_invoker.Sent.Select(s => s.Method).ToList()).IsEquivalentTo(["task.assign", "task.status", "task.cancel"]);
        await Assert.That(_invoker.Sent[0].Params).IsEqualTo("""{"agent_id":"agent-001","task":"write tests"}""");
        await Assert.That(_invoker.Sent[1].Params).IsEqualTo("""{"task_id":"task-agent-001"}""");
        await Assert.That(assigned).IsEqualTo(new TaskStatusResult { TaskId = "task-agent-001", AgentId = "agent-001", Status = "pending" });
        await Assert.That(running).IsEqualTo(new TaskStatusResult { TaskId = "task-agent-001", Status = "running", Progress = 0.5 });
        await Assert.That(cancelled.Status).IsEqualTo("cancelled");
    }

    [Test]
    public async Task Telemetry_subscribe_sends_event_globs_and_interval_ms()
    {
        var result = await _client.SubscribeTelemetryAsync(new TelemetrySubscribeParams { Events = ["agent.*", "message.*", "metrics.*"], IntervalMs = 100 });

        await Assert.That(_invoker.Sent.Single()).IsEqualTo(("telemetry.subscribe", """{"events":["agent.*","message.*","metrics.*"],"interval_ms":100}"""));
        await Assert.That(result.SubscriptionId).IsEqualTo("sub-1");
        await Assert.That(result.Events!.ToList()).IsEquivalentTo(["agent.*", "message.*", "metrics.*"]);
        await Assert.That(result.IntervalMs).IsEqualTo(100);
    }

    [Test]
    public async Task System_ping_takes_no_params_and_returns_raw_json()
    {
        var result = await _client.PingAsync();

        await Assert.That(_invoker.Sent.Single()).IsEqualTo(("system.ping", (string?)null));
        await Assert.That(result.GetProperty("pong").GetBoolean()).IsTrue();
    }

    [Test]
    public async Task Cancellation_token_reaches_the_implementation()
    {
        using var source = new CancellationTokenSource();

        await _client.GetTaskStatusAsync(new TaskIdParams { TaskId = "t" }, source.Token);

        await Assert.That(_server.LastToken).IsEqualTo(source.Token);
    }

    [Test]
    public async Task Seed_response_and_telemetry_lines_deserialize()
    {
        var spawn = JsonSerializer.Deserialize(
            """{"agent_id":"agent-001","status":"active","session_id":"session-xyz"}""",
            PlainDialectJsonContext.Default.AgentSpawnResult);
        var telemetry = JsonSerializer.Deserialize(
            """{"type":"agent.status","data":{"agent_id":"agent-001","status":"active","cpu_usage":45.2,"memory_usage":128.5,"tasks_active":3,"tokens_used":1523},"timestamp":"2024-01-01T12:00:00Z"}""",
            PlainDialectJsonContext.Default.TelemetryPushLine);

        await Assert.That(spawn).IsEqualTo(new AgentSpawnResult { AgentId = "agent-001", Status = "active", SessionId = "session-xyz" });
        await Assert.That(telemetry!.Type).IsEqualTo("agent.status");
        await Assert.That(telemetry.Timestamp).IsEqualTo(new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var agent = telemetry.Data.Deserialize(PlainDialectJsonContext.Default.AgentStatusResult);
        await Assert.That(agent).IsEqualTo(new AgentStatusResult { AgentId = "agent-001", Status = "active", CpuUsage = 45.2, MemoryUsage = 128.5, TasksActive = 3, TokensUsed = 1523 });
    }
}

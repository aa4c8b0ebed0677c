using System.Text.Json;
using VisionFlow.Simulator.Model;

namespace VisionFlow.Simulator.Tests;

public sealed class PlainDialectTests
{
    [Test]
    public async Task Multi_agent_initialize_creates_the_swarm_its_agents_and_the_coordinator_task()
    {
        var sim = new Sim();
        var r = sim.Plain("multi-agent.initialize", """{"topology":"hierarchical","agents":["coordinator","coder","tester"],"task":"Build a REST API"}""");
        await Assert.That(r.GetProperty("simulated").GetBoolean()).IsTrue();
        await Assert.That(Sim.Str(r, "topology")).IsEqualTo("hierarchical");
        await Assert.That(r.GetProperty("agents").GetArrayLength()).IsEqualTo(3);
        await Assert.That(Sim.Str(r.GetProperty("agents")[1], "type")).IsEqualTo("coder");
        var id = Sim.Str(r, "multi_agent_id");
        await Assert.That(id).StartsWith("swarm-");

        var status = sim.Plain("multi-agent.status", $$"""{"multi-agent_id":"{{id}}"}""");
        await Assert.That(status.GetProperty("agent_count").GetInt32()).IsEqualTo(3);
        await Assert.That(Sim.Str(status, "status")).IsEqualTo("active");
        await Assert.That(status.GetProperty("tasks").GetProperty("in_progress").GetInt32()).IsEqualTo(1);

        var task = sim.Plain("task.status", $$"""{"task_id":"{{Sim.Str(r, "task_id")}}"}""");
        await Assert.That(Sim.Str(task, "status")).IsEqualTo("in_progress");
        await Assert.That(task.GetProperty("assigned_to")[0].GetString()).IsEqualTo(Sim.Str(r.GetProperty("agents")[0], "agent_id"));
    }

    [Test]
    public async Task Multi_agent_initialize_accepts_a_count_of_agents()
    {
        var sim = new Sim();
        var r = sim.Plain("multi-agent.initialize", """{"topology":"mesh","agents":12}""");
        await Assert.That(r.GetProperty("agents").GetArrayLength()).IsEqualTo(12);
        await Assert.That(sim.Simulator.LiveAgentCount).IsEqualTo(12);
    }

    [Test]
    [Arguments("""{"topology":"bogus"}""", SimulatorErrorKind.InvalidArguments)]
    [Arguments("""{"agents":"many"}""", SimulatorErrorKind.InvalidArguments)]
    [Arguments("""{"agents":[1]}""", SimulatorErrorKind.InvalidArguments)]
    [Arguments("""{"agents":5,"max_agents":3}""", SimulatorErrorKind.MaxAgentsReached)]
    [Arguments("""[1,2]""", SimulatorErrorKind.InvalidArguments)]
    [Arguments("""{"topology":""", SimulatorErrorKind.InvalidArguments)]
    public async Task Multi_agent_initialize_rejects_bad_arguments(string json, SimulatorErrorKind kind)
    {
        var sim = new Sim();
        var error = sim.PlainError("multi-agent.initialize", json);
        await Assert.That(error.Kind).IsEqualTo(kind);
        await Assert.That(sim.Simulator.ActiveSwarmCount).IsEqualTo(0);
    }

    [Test]
    public async Task Agent_spawn_joins_the_most_recent_swarm_and_reports_seed_fields()
    {
        var sim = new Sim();
        var swarm = Sim.Str(sim.Plain("multi-agent.initialize", """{"topology":"star"}"""), "multi_agent_id");
        var r = sim.Plain("agent.spawn", """{"type":"coordinator","task":"Build a REST API","config":{"max_tokens":4000}}""");
        await Assert.That(Sim.Str(r, "status")).IsEqualTo("active");
        await Assert.That(Sim.Str(r, "session_id")).StartsWith("session-");
        await Assert.That(Sim.Str(r, "swarm_id")).IsEqualTo(swarm);

        var status = sim.Plain("agent.status", $$"""{"agent_id":"{{Sim.Str(r, "agent_id")}}"}""");
        await Assert.That(status.GetProperty("tasks_active").GetInt32()).IsEqualTo(1);
        await Assert.That(status.GetProperty("simulated").GetBoolean()).IsTrue();
        foreach (var name in new[] { "cpu_usage", "memory_usage", "tokens_used" })
        {
            await Assert.That(status.GetProperty(name).ValueKind).IsEqualTo(JsonValueKind.Number);
        }
    }

    [Test]
    public async Task Agent_spawn_errors()
    {
        var sim = new Sim();
        await Assert.That(sim.PlainError("agent.spawn", "{}").Kind).IsEqualTo(SimulatorErrorKind.InvalidArguments);
        await Assert.That(sim.PlainError("agent.spawn", """{"type":7}""").Kind).IsEqualTo(SimulatorErrorKind.InvalidArguments);
        await Assert.That(sim.PlainError("agent.spawn", """{"type":"coder","swarm_id":"swarm-nope"}""").Kind).IsEqualTo(SimulatorErrorKind.UnknownSwarm);
    }

    [Test]
    public async Task Max_agents_is_enforced_per_swarm_and_frees_up_on_terminate()
    {
        var sim = new Sim();
        var swarm = Sim.Str(sim.Plain("multi-agent.initialize", """{"topology":"mesh","agents":2,"max_agents":2}"""), "multi_agent_id");
        var error = sim.PlainError("agent.spawn", $$"""{"type":"coder","swarm_id":"{{swarm}}"}""");
        await Assert.That(error.Kind).IsEqualTo(SimulatorErrorKind.MaxAgentsReached);
        await Assert.That(error.Code).IsEqualTo(SimulatorErrorCodes.MaxAgentsReached);

        var first = Sim.Str(sim.Plain("agent.list").GetProperty("agents")[0], "agent_id");
        sim.Plain("agent.terminate", $$"""{"agent_id":"{{first}}"}""");
        var spawned = sim.Plain("agent.spawn", $$"""{"type":"coder","swarm_id":"{{swarm}}"}""");
        await Assert.That(Sim.Str(spawned, "swarm_id")).IsEqualTo(swarm);
    }

    [Test]
    public async Task Simulator_wide_agent_limit_applies()
    {
        var sim = new Sim(options: new SimulatorOptions { MaxTotalAgents = 3 });
        sim.Plain("multi-agent.initialize", """{"agents":3}""");
        await Assert.That(sim.PlainError("agent.spawn", """{"type":"coder"}""").Kind).IsEqualTo(SimulatorErrorKind.MaxAgentsReached);
        await Assert.That(sim.PlainError("multi-agent.initialize", """{"agents":1}""").Kind).IsEqualTo(SimulatorErrorKind.MaxAgentsReached);
    }

    [Test]
    public async Task Agent_list_filters_and_limits()
    {
        var sim = new Sim();
        sim.Plain("multi-agent.initialize", """{"agents":["coder","coder","tester","reviewer"]}""");
        var all = sim.Plain("agent.list");
        await Assert.That(all.GetProperty("total").GetInt32()).IsEqualTo(4);
        var coders = sim.Plain("agent.list", """{"filter":{"type":"coder"}}""");
        await Assert.That(coders.GetProperty("total").GetInt32()).IsEqualTo(2);
        var bare = sim.Plain("agent.list", """{"filter":"tester"}""");
        await Assert.That(bare.GetProperty("total").GetInt32()).IsEqualTo(1);
        var limited = sim.Plain("agent.list", """{"limit":3}""");
        await Assert.That(limited.GetProperty("agents").GetArrayLength()).IsEqualTo(3);
        await Assert.That(limited.GetProperty("total").GetInt32()).IsEqualTo(4);
        await Assert.That(sim.PlainError("agent.list", """{"filter":5}""").Kind).IsEqualTo(SimulatorErrorKind.InvalidArguments);
        await Assert.That(sim.PlainError("agent.list", """{"limit":0}""").Kind).IsEqualTo(SimulatorErrorKind.InvalidArguments);
    }

    [Test]
    public async Task Agent_terminate_and_status_errors()
    {
        var sim = new Sim();
        var agent = Sim.Str(sim.Plain("agent.spawn", """{"type":"coder"}"""), "agent_id");
        var r = sim.Plain("agent.terminate", $$"""{"agent_id":"{{agent}}"}""");
        await Assert.That(Sim.Str(r, "status")).IsEqualTo("terminated");
        await Assert.That(sim.PlainError("agent.terminate", $$"""{"agent_id":"{{agent}}"}""").Kind).IsEqualTo(SimulatorErrorKind.InvalidState);
        await Assert.That(sim.PlainError("agent.terminate", """{"agent_id":"agent-nope"}""").Kind).IsEqualTo(SimulatorErrorKind.UnknownAgent);
        await Assert.That(sim.PlainError("agent.status", """{"agent_id":"agent-nope"}""").Code).IsEqualTo(SimulatorErrorCodes.UnknownAgent);
        await Assert.That(sim.PlainError("agent.status", "{}").Kind).IsEqualTo(SimulatorErrorKind.InvalidArguments);
        var status = sim.Plain("agent.status", $$"""{"agent_id":"{{agent}}"}""");
        await Assert.That(Sim.Str(status, "status")).IsEqualTo("terminated");
        await Assert.That(sim.Plain("agent.list").GetProperty("total").GetInt32()).IsEqualTo(0);
    }

    [Test]
    public async Task Multi_agent_dissolve_terminates_agents_and_cancels_open_tasks()
    {
        var sim = new Sim();
        var r = sim.Plain("multi-agent.initialize", """{"agents":3,"task":"Ship it"}""");
        var id = Sim.Str(r, "multi_agent_id");
        var dissolved = sim.Plain("multi-agent.dissolve", $$"""{"multi-agent_id":"{{id}}"}""");
        await Assert.That(dissolved.GetProperty("agents_terminated").GetInt32()).IsEqualTo(3);
        await Assert.That(sim.Simulator.LiveAgentCount).IsEqualTo(0);
        var task = sim.Plain("task.status", $$"""{"task_id":"{{Sim.Str(r, "task_id")}}"}""");
        await Assert.That(Sim.Str(task, "status")).IsEqualTo("cancelled");
        await Assert.That(Sim.Str(sim.Plain("multi-agent.status", $$"""{"swarm_id":"{{id}}"}"""), "status")).IsEqualTo("dissolved");
        await Assert.That(sim.PlainError("multi-agent.dissolve", $$"""{"multi-agent_id":"{{id}}"}""").Kind).IsEqualTo(SimulatorErrorKind.InvalidState);
        await Assert.That(sim.PlainError("multi-agent.dissolve", """{"multi-agent_id":"swarm-nope"}""").Kind).IsEqualTo(SimulatorErrorKind.UnknownSwarm);
        await Assert.That(sim.PlainError("multi-agent.dissolve", "{}").Kind).IsEqualTo(SimulatorErrorKind.InvalidArguments);
        await Assert.That(sim.PlainError("multi-agent.status", """{"multi-agent_id":"swarm-nope"}""").Kind).IsEqualTo(SimulatorErrorKind.UnknownSwarm);
    }

    [Test]
    public async Task Task_assign_status_cancel()
    {
        var sim = new Sim();
        var agent = Sim.Str(sim.Plain("agent.spawn", """{"type":"coder"}"""), "agent_id");
        var a = sim.Plain("task.assign", $$$"""{"agent_id":"{{{agent}}}","task":{"description":"Write tests","priority":"high"}}""");
        await Assert.That(Sim.Str(a, "status")).IsEqualTo("in_progress");
        await Assert.That(Sim.Str(a, "priority")).IsEqualTo("high");
        var b = sim.Plain("task.assign", $$"""{"agent_id":"{{agent}}","task":"Plain string task"}""");
        var cancelled = sim.Plain("task.cancel", $$"""{"task_id":"{{Sim.Str(b, "task_id")}}"}""");
        await Assert.That(Sim.Str(cancelled, "status")).IsEqualTo("cancelled");
        await Assert.That(sim.PlainError("task.cancel", $$"""{"task_id":"{{Sim.Str(b, "task_id")}}"}""").Kind).IsEqualTo(SimulatorErrorKind.InvalidState);
        await Assert.That(sim.PlainError("task.cancel", """{"task_id":"task-nope"}""").Kind).IsEqualTo(SimulatorErrorKind.UnknownTask);
        await Assert.That(sim.PlainError("task.status", """{"task_id":"task-nope"}""").Code).IsEqualTo(SimulatorErrorCodes.UnknownTask);
        await Assert.That(sim.PlainError("task.assign", """{"agent_id":"agent-nope","task":"x"}""").Kind).IsEqualTo(SimulatorErrorKind.UnknownAgent);
        await Assert.That(sim.PlainError("task.assign", $$"""{"agent_id":"{{agent}}"}""").Kind).IsEqualTo(SimulatorErrorKind.InvalidArguments);
        await Assert.That(sim.PlainError("task.assign", $$$"""{"agent_id":"{{{agent}}}","task":{"description":"x","priority":"whenever"}}""").Kind).IsEqualTo(SimulatorErrorKind.InvalidArguments);
        var agentStatus = sim.Plain("agent.status", $$"""{"agent_id":"{{agent}}"}""");
        await Assert.That(agentStatus.GetProperty("tasks_active").GetInt32()).IsEqualTo(1);
    }

    [Test]
    public async Task Task_progress_advances_to_completion_and_frees_the_agent()
    {
        var sim = new Sim();
        var agent = Sim.Str(sim.Plain("agent.spawn", """{"type":"coder"}"""), "agent_id");
        var task = Sim.Str(sim.Plain("task.assign", $$"""{"agent_id":"{{agent}}","task":"Write tests"}"""), "task_id");
        var last = -1.0;
        for (var i = 0; i < 1200; i++)
        {
            sim.Tick(0.1);
            var s = sim.Plain("task.status", $$"""{"task_id":"{{task}}"}""");
            var progress = s.GetProperty("progress").GetDouble();
            await Assert.That(progress).IsGreaterThanOrEqualTo(last);
            last = progress;
            if (Sim.Str(s, "status") == "completed")
            {
                break;
            }
        }

        var done = sim.Plain("task.status", $$"""{"task_id":"{{task}}"}""");
        await Assert.That(Sim.Str(done, "status")).IsEqualTo("completed");
        await Assert.That(done.GetProperty("progress").GetDouble()).IsEqualTo(100);
        await Assert.That(done.GetProperty("completed_at").ValueKind).IsEqualTo(JsonValueKind.String);
        var status = sim.Plain("agent.status", $$"""{"agent_id":"{{agent}}"}""");
        await Assert.That(status.GetProperty("tasks_active").GetInt32()).IsEqualTo(0);
        await Assert.That(status.GetProperty("tasks_completed").GetInt32()).IsEqualTo(1);
        await Assert.That(status.GetProperty("tokens_used").GetInt64()).IsGreaterThan(0);
    }

    [Test]
    public async Task Telemetry_subscribe_and_ping()
    {
        var sim = new Sim();
        var sub = sim.Plain("telemetry.subscribe", """{"events":["agent.*","message.*","metrics.*"],"interval_ms":100}""");
        await Assert.That(sub.GetProperty("subscribed").GetBoolean()).IsTrue();
        await Assert.That(sub.GetProperty("interval_ms").GetInt32()).IsEqualTo(100);
        await Assert.That(sim.PlainError("telemetry.subscribe", """{"events":["task.*"]}""").Kind).IsEqualTo(SimulatorErrorKind.InvalidArguments);
        await Assert.That(sim.PlainError("telemetry.subscribe", """{"interval_ms":0}""").Kind).IsEqualTo(SimulatorErrorKind.InvalidArguments);
        var ping = sim.Plain("system.ping");
        await Assert.That(ping.GetProperty("pong").GetBoolean()).IsTrue();
        await Assert.That(Sim.Str(ping, "server")).IsEqualTo("visionflow-simulator");
        await Assert.That(sim.PlainError("no.such.method").Kind).IsEqualTo(SimulatorErrorKind.UnknownMethod);
    }
}

using System.Buffers;
using System.Text.Json;
using VisionFlow.Simulator.Model;

namespace VisionFlow.Simulator.Tests;

public sealed class McpDialectTests
{
    [Test]
    public async Task Initialize_identifies_the_simulator_and_negotiates_the_version()
    {
        var sim = new Sim();
        foreach (var (asked, answered) in new[] { ("2025-06-18", "2025-06-18"), ("2024-11-05", "2024-11-05"), ("1999-01-01", "2024-11-05") })
        {
            var r = await sim.RpcAsync("initialize", $$$"""{"protocolVersion":"{{{asked}}}","capabilities":{},"clientInfo":{"name":"t","version":"0"}}""");
            await Assert.That(Sim.Str(r, "protocolVersion")).IsEqualTo(answered);
            await Assert.That(Sim.Str(r.GetProperty("serverInfo"), "name")).IsEqualTo("visionflow-simulator");
            await Assert.That(r.GetProperty("serverInfo").GetProperty("simulated").GetBoolean()).IsTrue();
            await Assert.That(r.GetProperty("capabilities").TryGetProperty("tools", out _)).IsTrue();
        }
    }

    [Test]
    public async Task Results_are_single_text_content_with_indented_json_like_claude_flow()
    {
        var sim = new Sim();
        var envelope = sim.ToolEnvelope("swarm_init", """{"topology":"mesh","maxAgents":5,"strategy":"balanced"}""");
        var text = envelope.GetProperty("content")[0].GetProperty("text").GetString()!;
        await Assert.That(text).StartsWith("{\n  \"");
        await Assert.That(envelope.TryGetProperty("isError", out _)).IsFalse();
    }

    [Test]
    public async Task Swarm_agent_and_task_lifecycle()
    {
        var sim = new Sim();
        var init = sim.Tool("swarm_init", """{"topology":"star","maxAgents":2,"strategy":"specialized"}""");
        await Assert.That(init.GetProperty("success").GetBoolean()).IsTrue();
        var swarm = Sim.Str(init, "swarmId");
        var a = sim.Agent(swarm);
        var b = sim.Agent(swarm, "tester");

        var full = sim.Tool("agent_spawn", $$"""{"agentType":"coder","swarmId":"{{swarm}}"}""");
        await Assert.That(full.GetProperty("success").GetBoolean()).IsFalse();
        await Assert.That(Sim.Str(full, "error")).Contains("maxAgents 2");

        var status = sim.Tool("swarm_status", $$"""{"swarmId":"{{swarm}}"}""");
        await Assert.That(status.GetProperty("agentCount").GetInt32()).IsEqualTo(2);
        await Assert.That(Sim.Str(status, "status")).IsEqualTo("running");
        await Assert.That(Sim.Str(sim.Tool("swarm_status"), "swarmId")).IsEqualTo(swarm);

        var task = sim.Tool("task_create", $$"""{"type":"feature","description":"Build","priority":"high","assignTo":["{{a}}"]}""");
        var taskId = Sim.Str(task, "taskId");
        var assign = sim.Tool("task_assign", $$"""{"taskId":"{{taskId}}","agentIds":["{{a}}","{{b}}"]}""");
        await Assert.That(assign.GetProperty("previouslyAssigned").GetArrayLength()).IsEqualTo(1);
        await Assert.That(assign.GetProperty("assignedTo").GetArrayLength()).IsEqualTo(2);
        await Assert.That(Sim.Str(sim.Tool("agent_status", $$"""{"agentId":"{{b}}"}"""), "status")).IsEqualTo("initializing");
        sim.Tick(0.1);
        await Assert.That(Sim.Str(sim.Tool("agent_status", $$"""{"agentId":"{{b}}"}"""), "status")).IsEqualTo("busy");

        var update = sim.Tool("task_update", $$"""{"taskId":"{{taskId}}","progress":40}""");
        await Assert.That(update.GetProperty("progress").GetDouble()).IsEqualTo(40);
        var complete = sim.Tool("task_complete", $$$"""{"taskId":"{{{taskId}}}","result":{"summary":"done"}}""");
        await Assert.That(Sim.Str(complete, "status")).IsEqualTo("completed");
        var taskStatus = sim.Tool("task_status", $$"""{"taskId":"{{taskId}}"}""");
        await Assert.That(taskStatus.GetProperty("progress").GetDouble()).IsEqualTo(100);
        await Assert.That(Sim.Str(taskStatus.GetProperty("result"), "summary")).IsEqualTo("done");
        await Assert.That(sim.Tool("task_complete", $$"""{"taskId":"{{taskId}}"}""").GetProperty("success").GetBoolean()).IsFalse();

        var t2 = Sim.Str(sim.Tool("task_create", """{"type":"research","description":"Survey"}"""), "taskId");
        await Assert.That(Sim.Str(sim.Tool("task_cancel", $$"""{"taskId":"{{t2}}","reason":"no"}"""), "status")).IsEqualTo("cancelled");
        var list = sim.Tool("task_list");
        await Assert.That(list.GetProperty("total").GetInt32()).IsEqualTo(2);
        await Assert.That(Sim.Str(list.GetProperty("tasks")[0], "taskId")).IsEqualTo(t2);
        await Assert.That(sim.Tool("task_list", """{"status":"completed"}""").GetProperty("total").GetInt32()).IsEqualTo(1);

        var terminate = sim.Tool("agent_terminate", $$"""{"agentId":"{{a}}"}""");
        await Assert.That(terminate.GetProperty("terminated").GetBoolean()).IsTrue();
        await Assert.That(sim.Tool("agent_list").GetProperty("total").GetInt32()).IsEqualTo(1);
        await Assert.That(sim.Tool("agent_list", """{"includeTerminated":true}""").GetProperty("total").GetInt32()).IsEqualTo(2);

        var shutdown = sim.Tool("swarm_shutdown", $$"""{"swarmId":"{{swarm}}"}""");
        await Assert.That(shutdown.GetProperty("agentsTerminated").GetInt32()).IsEqualTo(1);
        var again = sim.Tool("swarm_shutdown", $$"""{"swarmId":"{{swarm}}"}""");
        await Assert.That(Sim.Str(again, "error")).IsEqualTo("Swarm already terminated");
        await Assert.That(Sim.Str(sim.Tool("swarm_status", $$"""{"swarmId":"{{swarm}}"}"""), "status")).IsEqualTo("terminated");
    }

    [Test]
    public async Task Unknown_ids_never_fall_back_to_another_swarm()
    {
        var sim = new Sim();
        var swarm = sim.Swarm();
        var status = sim.Tool("swarm_status", """{"swarmId":"swarm-nope"}""");
        await Assert.That(Sim.Str(status, "status")).IsEqualTo("not_found");
        var shutdown = sim.Tool("swarm_shutdown", """{"swarmId":"swarm-nope"}""");
        await Assert.That(shutdown.GetProperty("success").GetBoolean()).IsFalse();
        await Assert.That(Sim.Str(sim.Tool("swarm_status", $$"""{"swarmId":"{{swarm}}"}"""), "status")).IsEqualTo("running");
        var spawn = sim.Tool("agent_spawn", """{"agentType":"coder","swarmId":"swarm-nope"}""");
        await Assert.That(Sim.Str(spawn, "error")).Contains("Swarm not found");
    }

    [Test]
    [Arguments("swarm_init", """{"topology":"bogus"}""")]
    [Arguments("swarm_init", """{"maxAgents":0}""")]
    [Arguments("swarm_init", """{"strategy":"chaotic"}""")]
    [Arguments("agent_spawn", """{}""")]
    [Arguments("agent_spawn", """{"agentType":42}""")]
    [Arguments("agent_terminate", """{}""")]
    [Arguments("agent_terminate", """{"agentId":"agent-nope"}""")]
    [Arguments("task_create", """{"description":"no type"}""")]
    [Arguments("task_create", """{"type":"feature","description":"x","priority":"whenever"}""")]
    [Arguments("task_create", """{"type":"feature","description":"x","assignTo":["agent-nope"]}""")]
    [Arguments("task_assign", """{"taskId":"task-nope"}""")]
    [Arguments("task_cancel", """{"taskId":"task-nope"}""")]
    [Arguments("task_update", """{"taskId":"task-nope","progress":10}""")]
    [Arguments("coordination_orchestrate", """{}""")]
    [Arguments("agent_list", """[1]""")]
    public async Task Failures_are_success_false_results(string tool, string json)
    {
        var r = new Sim().Tool(tool, json);
        await Assert.That(r.GetProperty("success").GetBoolean()).IsFalse();
        await Assert.That(Sim.Str(r, "error")).IsNotEmpty();
        await Assert.That(r.GetProperty("simulated").GetBoolean()).IsTrue();
    }

    [Test]
    [Arguments("agent_status", """{"agentId":"agent-nope"}""")]
    [Arguments("agent_status", """{}""")]
    [Arguments("task_status", """{"taskId":"task-nope"}""")]
    [Arguments("swarm_status", """{}""")]
    [Arguments("swarm_health", """{"swarmId":"swarm-nope"}""")]
    public async Task Read_failures_are_not_found_results(string tool, string json)
    {
        var r = new Sim().Tool(tool, json);
        await Assert.That(Sim.Str(r, "status")).IsEqualTo("not_found");
        await Assert.That(Sim.Str(r, "error")).IsNotEmpty();
    }

    [Test]
    public async Task Orchestrate_creates_a_task_that_progresses_and_metrics_count_it()
    {
        var sim = new Sim();
        var swarm = sim.Swarm("hierarchical");
        var a = sim.Agent(swarm);
        var b = sim.Agent(swarm);
        var r = sim.Tool("coordination_orchestrate", $$"""{"task":"Ship","agents":["{{a}}","{{b}}"],"strategy":"parallel"}""");
        await Assert.That(Sim.Str(r, "topology")).IsEqualTo("hierarchical");
        var taskId = Sim.Str(r, "taskId");
        for (var i = 0; i < 20; i++)
        {
            sim.Tick(0.1);
        }

        var progress = sim.Tool("task_status", $$"""{"taskId":"{{taskId}}"}""").GetProperty("progress").GetDouble();
        await Assert.That(progress).IsGreaterThan(0);
        var metrics = sim.Tool("system_metrics");
        await Assert.That(metrics.GetProperty("agents").GetProperty("total").GetInt32()).IsEqualTo(2);
        await Assert.That(metrics.GetProperty("agents").GetProperty("active").GetInt32()).IsEqualTo(2);
        await Assert.That(metrics.GetProperty("uptime").GetInt64()).IsEqualTo(2000);
        await Assert.That(metrics.GetProperty("requests").GetProperty("total").GetInt64()).IsGreaterThan(4);
        await Assert.That(metrics.TryGetProperty("_real", out _)).IsFalse();
        var system = sim.Tool("system_status");
        await Assert.That(Sim.Str(system.GetProperty("components").GetProperty("simulator"), "status")).IsEqualTo("simulated");
        var health = sim.Tool("swarm_health", $$"""{"swarmId":"{{swarm}}"}""");
        await Assert.That(health.GetProperty("healthy").GetBoolean()).IsTrue();
    }

    [Test]
    public async Task Unknown_tool_is_an_rpc_error_and_writes_nothing()
    {
        var sim = new Sim();
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer);
        using var args = JsonDocument.Parse("{}");
        var ok = sim.Simulator.TryCallTool("swarm_destroy", args.RootElement, writer, out var error);
        await Assert.That(ok).IsFalse();
        await Assert.That(error.Kind).IsEqualTo(SimulatorErrorKind.UnknownTool);
        await Assert.That(error.Code).IsEqualTo(-32601);
        await Assert.That(error.Message).IsEqualTo("Tool not found: swarm_destroy");
        await Assert.That(buffer.WrittenCount).IsEqualTo(0);
    }
}

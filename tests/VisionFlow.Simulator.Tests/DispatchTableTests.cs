using System.Buffers;
using System.Text;
using System.Text.Json;
using VisionFlow.Protocol;
using VisionFlow.Simulator.Dialects;
using VisionFlow.Simulator.Model;

namespace VisionFlow.Simulator.Tests;

public sealed class DispatchTableTests
{
    [Test]
    public async Task Table_answers_both_dialects()
    {
        var sim = new Sim();
        var table = sim.Simulator.CreateDispatchTable();
        string[] plain =
        [
            "agent.spawn", "agent.list", "agent.terminate", "agent.status", "multi-agent.initialize", "multi-agent.status",
            "multi-agent.dissolve", "task.assign", "task.status", "task.cancel", "telemetry.subscribe", "system.ping",
        ];
        await Assert.That(table.Methods.ToList()).IsEquivalentTo(plain.Concat(SwarmSimulator.McpMethods).ToList());

        var init = await Sim.InvokeAsync(table, "initialize", """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}""");
        await Assert.That(Sim.Str(init.GetProperty("serverInfo"), "name")).IsEqualTo("visionflow-simulator");
        var ping = await Sim.InvokeAsync(table, "ping", "");
        await Assert.That(ping.EnumerateObject().Count()).IsEqualTo(0);
        var tools = await Sim.InvokeAsync(table, "tools/list", "{}");
        await Assert.That(tools.GetProperty("tools").GetArrayLength()).IsEqualTo(McpTools.All.Count);
        var call = await Sim.InvokeAsync(table, "tools/call", """{"name":"swarm_init","arguments":{"topology":"ring"}}""");
        await Assert.That(Sim.Str(Sim.DecodeText(call), "topology")).IsEqualTo("ring");
        var spawn = await Sim.InvokeAsync(table, "agent.spawn", """{"type":"coder"}""");
        await Assert.That(Sim.Str(spawn, "status")).IsEqualTo("active");
        var noArgs = await Sim.InvokeAsync(table, "tools/call", """{"name":"agent_list"}""");
        await Assert.That(Sim.DecodeText(noArgs).GetProperty("total").GetInt32()).IsEqualTo(1);
    }

    [Test]
    [Arguments("agent.status", """{"agent_id":"agent-nope"}""", SimulatorErrorCodes.UnknownAgent)]
    [Arguments("agent.spawn", """{}""", JsonRpcErrorCodes.InvalidParams)]
    [Arguments("task.cancel", """{"task_id":"task-nope"}""", SimulatorErrorCodes.UnknownTask)]
    [Arguments("multi-agent.status", """{"multi-agent_id":"swarm-nope"}""", SimulatorErrorCodes.UnknownSwarm)]
    [Arguments("tools/call", """{"name":"task_orchestrate","arguments":{}}""", JsonRpcErrorCodes.MethodNotFound)]
    [Arguments("tools/call", """{"arguments":{}}""", JsonRpcErrorCodes.InvalidParams)]
    [Arguments("tools/call", """[]""", JsonRpcErrorCodes.InvalidParams)]
    public async Task Errors_are_thrown_as_json_rpc_exceptions(string method, string json, int code)
    {
        var table = new Sim().Simulator.CreateDispatchTable();
        var exception = await Assert.That(async () => await Sim.InvokeAsync(table, method, json)).Throws<JsonRpcException>();
        await Assert.That(exception!.Code).IsEqualTo(code);
    }
}

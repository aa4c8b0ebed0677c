using VisionFlow.Protocol;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Interop.Tests;

/// <summary>Our generated MCP client and dialect mapping against the real claude-flow MCP server over TCP.</summary>
[ClassDataSource<ClaudeFlowBridge>(Shared = SharedType.PerClass)]
[NotInParallel("claude-flow")]
public sealed class ClaudeFlowInteropTests(ClaudeFlowBridge bridge)
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Test]
    public async Task Handshake_detects_an_mcp_server_with_the_swarm_tools()
    {
        await Assert.That(bridge.Profile.Dialect).IsEqualTo(ServerDialect.Mcp);
        await Assert.That(bridge.Profile.IsSimulator).IsFalse();
        await Assert.That(bridge.Profile.ServerName).IsNotEmpty();
        foreach (var tool in new[] { "swarm_init", "agent_spawn", "agent_list", "swarm_status", "task_create" })
        {
            await Assert.That(bridge.Profile.Tools.ContainsKey(tool)).IsTrue();
        }
    }

    [Test]
    public async Task Swarm_agent_and_task_lifecycle()
    {
        var client = bridge.Client;
        var swarm = await client.InitializeSwarmAsync(new SwarmInitRequest("mesh", 4, "balanced", [], null), Timeout);
        await Assert.That(swarm.Id).StartsWith("swarm-");
        await Assert.That(swarm.Topology).IsEqualTo("mesh");

        var agent = await client.SpawnAgentAsync(new AgentSpawnRequest("coder", swarm.Id), Timeout);
        await Assert.That(agent.Id).IsNotEmpty();
        var agents = await client.ListAgentsAsync(null, Timeout);
        await Assert.That(agents.Select(a => a.Id)).Contains(agent.Id);
        var read = await client.GetAgentAsync(agent.Id, Timeout);
        await Assert.That(read.Type).IsEqualTo("coder");

        var status = await client.GetSwarmAsync(swarm.Id, Timeout);
        await Assert.That(status.Id).IsEqualTo(swarm.Id);

        var task = await client.CreateTaskAsync("write the interop test", "high", [agent.Id], Timeout);
        await Assert.That(task.Id).IsNotEmpty();
        var taskStatus = await client.GetTaskAsync(task.Id, Timeout);
        await Assert.That(taskStatus.Id).IsEqualTo(task.Id);
        var cancelled = await client.CancelTaskAsync(task.Id, Timeout);
        await Assert.That(cancelled.Status).IsEqualTo("cancelled");

        await client.TerminateAgentAsync(agent.Id, Timeout);
        await client.DissolveSwarmAsync(swarm.Id, Timeout);
    }

    [Test]
    public async Task Unknown_ids_are_not_found_and_never_act_on_another_swarm()
    {
        var client = bridge.Client;
        var swarm = await client.InitializeSwarmAsync(new SwarmInitRequest("ring", 3, null, [], null), Timeout);
        var notFound = await Assert.That(async () => await client.DissolveSwarmAsync("swarm-0-nope", Timeout)).Throws<ToolFailedException>();
        await Assert.That(notFound!.IsNotFound).IsTrue();
        // claude-flow would have shut down its newest swarm for the unknown id; ours must still be running.
        var still = await client.GetSwarmAsync(swarm.Id, Timeout);
        await Assert.That(still.Status).IsNotEqualTo("terminated");
        var agent = await Assert.That(async () => await client.GetAgentAsync("agent-0-nope", Timeout)).Throws<ToolFailedException>();
        await Assert.That(agent!.IsNotFound).IsTrue();
        await client.DissolveSwarmAsync(swarm.Id, Timeout);
    }

    [Test]
    public async Task Bad_arguments_are_a_tool_failure_not_a_transport_error()
    {
        var failure = await Assert.That(async () => await bridge.Client.InitializeSwarmAsync(new SwarmInitRequest("bogus", 3, null, [], null), Timeout))
            .Throws<ToolFailedException>();
        await Assert.That(failure!.Message).Contains("topology");
        await Assert.That(failure.IsNotFound).IsFalse();
    }

    [Test]
    public async Task Unknown_tool_is_a_json_rpc_method_not_found()
    {
        var mcp = new McpDialectClient(bridge.Connection);
        var error = await Assert.That(async () => await mcp.CallToolAsync(new McpToolCallParams { Name = "no_such_tool_at_all" }, Timeout))
            .Throws<JsonRpcException>();
        await Assert.That(error!.Code).IsEqualTo(JsonRpcErrorCodes.MethodNotFound);
    }

    [Test]
    public async Task Ping_is_answered()
    {
        var answer = await new McpDialectClient(bridge.Connection).PingAsync(Timeout);
        await Assert.That(answer).IsNotNull().Because("MCP's ping is answered with an empty result object, not null or an error");
        await bridge.Client.PingAsync(Timeout); // the swarm client's ping, which the link's health check sends, rides on it
    }
}

using System.Text.Json;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Interop.Tests;

/// <summary>Our generated MCP client against the reference server-everything: handshake, tools, a call, an error.</summary>
[ClassDataSource<EverythingBridge>(Shared = SharedType.PerClass)]
public sealed class EverythingInteropTests(EverythingBridge bridge)
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Test]
    public async Task Handshake_and_tools_list()
    {
        await Assert.That(bridge.Profile.Dialect).IsEqualTo(ServerDialect.Mcp);
        await Assert.That(bridge.Profile.ServerName).Contains("everything");
        await Assert.That(bridge.Profile.Tools.ContainsKey("echo")).IsTrue();
    }

    [Test]
    public async Task Echo_tool_call()
    {
        var mcp = new McpDialectClient(bridge.Connection);
        using var args = JsonDocument.Parse("{\"message\":\"hello visionflow\"}");
        var result = await mcp.CallToolAsync(new McpToolCallParams { Name = "echo", Arguments = args.RootElement }, Timeout);
        await Assert.That(result.IsError ?? false).IsFalse();
        await Assert.That(result.Content[0].Text).IsEqualTo("Echo: hello visionflow");
    }

    [Test]
    public async Task Bad_arguments_come_back_as_an_error_result()
    {
        var mcp = new McpDialectClient(bridge.Connection);
        using var args = JsonDocument.Parse("{\"a\":\"not a number\"}");
        var result = await mcp.CallToolAsync(new McpToolCallParams { Name = "get-sum", Arguments = args.RootElement }, Timeout);
        await Assert.That(result.IsError ?? false).IsTrue();
    }

    [Test]
    public async Task Swarm_operations_are_not_offered_by_this_server()
    {
        var error = await Assert.That(async () => await bridge.Client.ListAgentsAsync(null, Timeout)).Throws<OperationNotOfferedException>();
        await Assert.That(error!.Message).Contains("not offered by this server");
    }
}

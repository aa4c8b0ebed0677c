using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>
/// <c>visionflow mcp tools|call</c> as a user runs it: the MCP key from the environment or the flag, a failed tool
/// result is a failed command, and a plain-dialect server's methods are listed.
/// </summary>
public sealed partial class McpCommandTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Call_exits_1_when_the_tool_result_says_success_false()
    {
        await using var simulator = BinaryProcess.Start(["simulate", "--port", "0"]);
        var port = await simulator.WaitForLineAsync(SimulatorLine(), Wait);

        var (code, stdout, stderr) = await BinaryProcess.RunToEndAsync(["mcp", "call", "agent_status", "{\"agentId\":\"agent-nope\"}", "--host", "127.0.0.1", "--port", port]);
        await Assert.That(code).IsEqualTo(1);
        await Assert.That(string.Join('\n', stdout)).Contains("Agent not found");
        await Assert.That(stderr.Single()).IsEqualTo("visionflow mcp call: agent_status failed: Agent not found");

        var (ok, _, _) = await BinaryProcess.RunToEndAsync(["mcp", "call", "agent_list", "--host", "127.0.0.1", "--port", port]);
        await Assert.That(ok).IsEqualTo(0);
    }

    [Test]
    public async Task Call_exits_1_when_the_tool_result_carries_isError()
    {
        await using var peer = new ScriptedPeer((method, _) => method switch
        {
            "initialize" => (JsonNode.Parse("{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"serverInfo\":{\"name\":\"scripted\",\"version\":\"1\"}}"), null),
            "tools/list" => (JsonNode.Parse("{\"tools\":[{\"name\":\"explode\",\"inputSchema\":{\"type\":\"object\"}}]}"), null),
            "tools/call" => (JsonNode.Parse("{\"content\":[{\"type\":\"text\",\"text\":\"it exploded\"}],\"isError\":true}"), null),
            _ => (new JsonObject(), null),
        });

        var (code, stdout, stderr) = await BinaryProcess.RunToEndAsync(["mcp", "call", "explode", "--host", "127.0.0.1", "--port", peer.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await Assert.That(code).IsEqualTo(1);
        await Assert.That(string.Join('\n', stdout)).Contains("it exploded");
        await Assert.That(stderr.Single()).IsEqualTo("visionflow mcp call: explode failed: it exploded");
    }

    [Test]
    public async Task The_MCP_key_comes_from_MCP_API_KEY_or_the_flag()
    {
        await using var simulator = BinaryProcess.Start(["simulate", "--port", "0", "--token", "bridge-token-1"]);
        var port = await simulator.WaitForLineAsync(SimulatorLine(), Wait);
        string[] tools = ["mcp", "tools", "--host", "127.0.0.1", "--port", port];

        var (without, _, refused) = await BinaryProcess.RunToEndAsync(tools);
        await Assert.That(without).IsEqualTo(1);
        await Assert.That(refused.Single()).Contains("set MCP_API_KEY or --mcp-api-key");

        var (fromEnv, envOut, _) = await BinaryProcess.RunToEndAsync(tools, new Dictionary<string, string> { ["MCP_API_KEY"] = "bridge-token-1" });
        await Assert.That(fromEnv).IsEqualTo(0);
        await Assert.That(envOut.Any(l => l.StartsWith("agent_spawn ", StringComparison.Ordinal))).IsTrue();

        var (fromFlag, _, _) = await BinaryProcess.RunToEndAsync([.. tools, "--mcp-api-key", "bridge-token-1"]);
        await Assert.That(fromFlag).IsEqualTo(0);

        var (wrong, _, wrongErr) = await BinaryProcess.RunToEndAsync([.. tools, "--mcp-api-key", "not-the-token"]);
        await Assert.That(wrong).IsEqualTo(1);
        await Assert.That(wrongErr.Single()).Contains("authentication failed");
    }

    [Test]
    public async Task Tools_against_a_plain_dialect_server_lists_the_plain_methods()
    {
        await using var peer = ScriptedPeer.Plain();
        var port = peer.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (code, stdout, _) = await BinaryProcess.RunToEndAsync(["mcp", "tools", "--host", "127.0.0.1", "--port", port]);
        await Assert.That(code).IsEqualTo(0);
        var text = string.Join('\n', stdout);
        foreach (var method in new[] { "agent.spawn", "agent.list", "multi-agent.initialize", "task.cancel", "telemetry.subscribe", "system.ping" })
        {
            await Assert.That(text).Contains(method + " ");
        }

        await Assert.That(stdout[^1]).IsEqualTo("12 methods");

        // And a plain method can be called by name, its result printed as JSON.
        var (call, callOut, _) = await BinaryProcess.RunToEndAsync(["mcp", "call", "system.ping", "--host", "127.0.0.1", "--port", port]);
        await Assert.That(call).IsEqualTo(0);
        await Assert.That(callOut[^1]).Contains("scripted-plain-peer");
    }

    [GeneratedRegex(@"listening on tcp://127\.0\.0\.1:(\d+)")]
    private static partial Regex SimulatorLine();
}

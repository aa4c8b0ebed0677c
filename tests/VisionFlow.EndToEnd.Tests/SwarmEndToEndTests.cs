using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using static VisionFlow.Testing.JsonPolling;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>
/// The published binary in both roles — `visionflow simulate` as the MCP peer and `visionflow` as the service — so
/// every trimmed code path (generated contracts, source-generated JSON, Silk.NET loading) runs as shipped.
/// </summary>
public sealed partial class SwarmEndToEndTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Published_binary_serves_a_simulated_swarm_end_to_end()
    {
        await using var simulator = BinaryProcess.Start(["simulate", "--port", "0", "--agents", "20"]);
        var port = await simulator.WaitForLineAsync(SimulatorLine(), Wait);

        await using var service = BinaryProcess.Start(["--port", "0", "--physics-backend", "cpu"], new Dictionary<string, string>
        {
            ["CLAUDE_FLOW_HOST"] = "127.0.0.1",
            ["MCP_TCP_PORT"] = port,
            ["VISIONFLOW_HEALTH_INTERVAL"] = "200",
        });
        var address = await service.WaitForListeningAsync(Wait);
        using var http = new HttpClient { BaseAddress = address };

        var agents = await WaitForJsonAsync(http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 20, "20 agents");
        await Assert.That(agents.GetProperty("source").GetString()).IsEqualTo("simulator");
        await Assert.That(agents.GetProperty("simulated").GetBoolean()).IsTrue();

        using var spawn = await http.PostAsync("/api/bots/agents", new StringContent("{\"type\":\"tester\"}", Encoding.UTF8, "application/json"));
        await Assert.That(spawn.StatusCode).IsEqualTo(HttpStatusCode.Created);
        await WaitForJsonAsync(http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 21, "21 agents");

        var graph = await WaitForJsonAsync(http, "/api/graph", r => r.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("kind").GetString() == "agent") == 21, "21 agent nodes");
        await Assert.That(graph.GetProperty("edges").GetArrayLength()).IsGreaterThan(0);
        var network = await WaitForJsonAsync(http, "/api/health/network", r => r.GetProperty("network_stats").GetProperty("total_requests").GetInt64() > 0, "counted requests");
        await Assert.That(network.GetProperty("degradation_level").GetString()).IsEqualTo("fully_operational");
        var metrics = await http.GetStringAsync("/metrics");
        await Assert.That(metrics).Contains("visionflow_telemetry_events_accepted_total");

        using var ws = new System.Net.WebSockets.ClientWebSocket();
        await ws.ConnectAsync(new UriBuilder(address) { Scheme = "ws", Path = "/ws" }.Uri, CancellationToken.None);
        var buffer = new byte[1 << 20];
        var binaryBytes = 0;
        using var cts = new CancellationTokenSource(Wait);
        while (binaryBytes == 0)
        {
            var r = await ws.ReceiveAsync(buffer, cts.Token);
            if (r.MessageType == System.Net.WebSockets.WebSocketMessageType.Binary && r.EndOfMessage)
            {
                binaryBytes = r.Count;
            }
        }

        await Assert.That(binaryBytes % 28).IsEqualTo(0);
    }

    [Test]
    public async Task Published_binary_runs_the_vulkan_backend_on_lavapipe_when_asked()
    {
        await using var service = BinaryProcess.Start(["--port", "0", "--physics-backend", "vulkan"], new Dictionary<string, string> { ["ENABLE_MCP"] = "false" });
        var address = await service.WaitForListeningAsync(Wait);
        using var http = new HttpClient { BaseAddress = address };
        var health = await WaitForJsonAsync(http, "/api/health",
            r => r.GetProperty("subsystems").EnumerateArray().Any(s => s.GetProperty("name").GetString() == "physics" && s.GetProperty("state").GetString() == "up"),
            "physics up");
        var physics = health.GetProperty("subsystems").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "physics").GetProperty("detail").GetString()!;
        // A silent fall-back to the CPU would be a defect: on a machine with lavapipe this must say vulkan.
        await Assert.That(physics).Contains("backend=vulkan");
        await Assert.That(physics).DoesNotContain("fallback");
    }

    [Test]
    public async Task Mcp_cli_lists_tools_and_calls_one_against_a_peer()
    {
        await using var simulator = BinaryProcess.Start(["simulate", "--port", "0", "--agents", "3"]);
        var port = await simulator.WaitForLineAsync(SimulatorLine(), Wait);

        var (code, stdout, _) = await BinaryProcess.RunToEndAsync(["mcp", "tools", "--host", "127.0.0.1", "--port", port]);
        await Assert.That(code).IsEqualTo(0);
        var text = string.Join('\n', stdout);
        await Assert.That(text).Contains("visionflow-simulator");
        await Assert.That(text).Contains("swarm_init");
        await Assert.That(text).Contains("agent_spawn");

        (code, stdout, _) = await BinaryProcess.RunToEndAsync(["mcp", "call", "agent_list", "{}", "--host", "127.0.0.1", "--port", port]);
        await Assert.That(code).IsEqualTo(0);
        await Assert.That(string.Join('\n', stdout)).Contains("\"agents\"");

        var (unknown, _, stderr) = await BinaryProcess.RunToEndAsync(["mcp", "call", "no_such_tool", "--host", "127.0.0.1", "--port", port]);
        await Assert.That(unknown).IsEqualTo(1);
        await Assert.That(string.Join('\n', stderr)).Contains("no_such_tool");

        var (badJson, _, _) = await BinaryProcess.RunToEndAsync(["mcp", "call", "agent_list", "{nope", "--host", "127.0.0.1", "--port", port]);
        await Assert.That(badJson).IsEqualTo(2);
    }

    [GeneratedRegex(@"listening on tcp://127\.0\.0\.1:(\d+)")]
    private static partial Regex SimulatorLine();
}

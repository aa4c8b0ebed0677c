using System.Text.Json;
using System.Text.Json.Nodes;
using VisionFlow.Simulator.Dialects;

namespace VisionFlow.Simulator.Tests;

/// <summary>The simulator's MCP results against transcripts of the real claude-flow 3.43.0.</summary>
public sealed class FixtureShapeTests
{
    private static readonly string[] IdMembers = ["swarmId", "agentId", "taskId"];

    [Test]
    public async Task Every_tool_result_of_the_real_session_has_the_same_shape_from_the_simulator()
    {
        var fixture = Fixture.Load("claude-flow.operations.jsonl");
        await Assert.That(fixture.Exchanges.Count).IsGreaterThan(20);
        var sim = new Sim();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var exchange in fixture.Exchanges)
        {
            var real = exchange.Text;
            var ours = sim.Tool(exchange.Tool, Substitute(exchange.Arguments, ids));
            LearnIds(real, ours, ids);
            problems.AddRange(Shape.Differences(real, ours).Select(d => $"{exchange.Tool}: {d}"));
            if (ToolExchange.IsFailure(ours))
            {
                problems.Add($"{exchange.Tool}: the real call succeeded, the simulator's failed: {ours}");
            }

            if (!ours.TryGetProperty("simulated", out var simulated) || !simulated.GetBoolean())
            {
                problems.Add($"{exchange.Tool}: result is not marked simulated");
            }
        }

        await Assert.That(string.Join("\n", problems)).IsEqualTo(string.Empty);
        await Assert.That(ids.Count).IsGreaterThanOrEqualTo(4);
    }

    [Test]
    public async Task Tool_failures_have_the_real_failure_shapes()
    {
        var fixture = Fixture.Load("claude-flow.errors.jsonl");
        var failures = fixture.Exchanges.Where(e => !e.IsRpcError && ToolExchange.IsFailure(e.Text)).ToList();
        await Assert.That(failures.Count).IsGreaterThanOrEqualTo(10);
        var problems = new List<string>();
        foreach (var exchange in failures)
        {
            // A fresh simulator: every id in these requests is unknown to it, as it was (or became) to the real server.
            var sim = new Sim();
            var real = exchange.Text;
            var ours = sim.Tool(exchange.Tool, exchange.Arguments.ValueKind == JsonValueKind.Undefined ? "{}" : exchange.Arguments.GetRawText());
            if (!ToolExchange.IsFailure(ours))
            {
                problems.Add($"{exchange.Tool} {exchange.Arguments}: simulator succeeded: {ours}");
                continue;
            }

            problems.AddRange(Shape.Differences(real, ours).Where(d => !d.Contains("$.swarmId", StringComparison.Ordinal)).Select(d => $"{exchange.Tool} {exchange.Arguments}: {d}"));
        }

        await Assert.That(string.Join("\n", problems)).IsEqualTo(string.Empty);
    }

    [Test]
    public async Task Tools_the_real_server_lacks_are_rpc_errors_with_its_code_and_message()
    {
        var fixture = Fixture.Load("claude-flow.errors.jsonl");
        var rpcErrors = fixture.Exchanges.Where(e => e.IsRpcError && e.Tool.Length > 0).ToList();
        await Assert.That(rpcErrors.Count).IsGreaterThanOrEqualTo(3);
        var sim = new Sim();
        foreach (var exchange in rpcErrors)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using var writer = new Utf8JsonWriter(buffer);
            var ok = sim.Simulator.TryCallTool(exchange.Tool, exchange.Arguments, writer, out var error);
            var realError = exchange.Response.GetProperty("error");
            await Assert.That(ok).IsFalse();
            await Assert.That(error.Code).IsEqualTo(realError.GetProperty("code").GetInt32());
            await Assert.That(error.Message).IsEqualTo(realError.GetProperty("message").GetString());
            await Assert.That(buffer.WrittenCount).IsEqualTo(0);
        }
    }

    [Test]
    public async Task Tools_list_offers_the_real_input_schemas()
    {
        var handshake = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "fixtures", "claude-flow.handshake.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .First(r => r.TryGetProperty("trimmed", out _));
        var realTools = handshake.GetProperty("msg").GetProperty("result").GetProperty("tools").EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("inputSchema").GetRawText());
        var allRealNames = handshake.GetProperty("trimmed").GetProperty("names").EnumerateArray().Select(n => n.GetString()).ToHashSet();

        var ours = (await new Sim().RpcAsync("tools/list")).GetProperty("tools").EnumerateArray().ToList();
        await Assert.That(ours.Select(t => t.GetProperty("name").GetString()!).ToList()).IsEquivalentTo(McpTools.All);
        foreach (var tool in ours)
        {
            var name = tool.GetProperty("name").GetString()!;
            await Assert.That(allRealNames.Contains(name)).IsTrue();
            await Assert.That(tool.GetProperty("inputSchema").GetRawText()).IsEqualTo(realTools[name]);
        }
    }

    private static string Substitute(JsonElement arguments, Dictionary<string, string> ids)
    {
        if (arguments.ValueKind == JsonValueKind.Undefined)
        {
            return "{}";
        }

        var node = JsonNode.Parse(arguments.GetRawText())!;
        Replace(node, ids);
        return node.ToJsonString();
    }

    private static void Replace(JsonNode node, Dictionary<string, string> ids)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (o[key] is JsonValue v && v.TryGetValue<string>(out var s) && ids.TryGetValue(s, out var mapped))
                    {
                        o[key] = mapped;
                    }
                    else if (o[key] is { } child)
                    {
                        Replace(child, ids);
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is JsonValue v && v.TryGetValue<string>(out var s) && ids.TryGetValue(s, out var mapped))
                    {
                        a[i] = mapped;
                    }
                    else if (a[i] is { } child)
                    {
                        Replace(child, ids);
                    }
                }

                break;
        }
    }

    private static void LearnIds(JsonElement real, JsonElement ours, Dictionary<string, string> ids)
    {
        foreach (var name in IdMembers)
        {
            if (real.TryGetProperty(name, out var r) && r.ValueKind == JsonValueKind.String
                && ours.TryGetProperty(name, out var o) && o.ValueKind == JsonValueKind.String)
            {
                ids.TryAdd(r.GetString()!, o.GetString()!);
            }
        }
    }
}

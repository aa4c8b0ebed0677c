using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>
/// OTLP export of the published binary to a real OTLP/HTTP receiver (protobuf decoded in the test): with the standard
/// variables set, traces and metrics naming the service arrive, and a REST request that calls MCP is one span with the
/// MCP call as its child.
/// </summary>
public sealed partial class OtlpExportTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Traces_and_metrics_reach_an_otlp_receiver_with_the_mcp_call_as_the_rest_spans_child()
    {
        await using var receiver = OtlpReceiver.Start();
        await using var simulator = BinaryProcess.Start(["simulate", "--port", "0", "--agents", "3"]);
        var port = await simulator.WaitForLineAsync(SimulatorLine(), Wait);
        await using var service = BinaryProcess.Start(["--port", "0", "--physics-backend", "cpu"], new Dictionary<string, string>
        {
            ["CLAUDE_FLOW_HOST"] = "127.0.0.1",
            ["MCP_TCP_PORT"] = port,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "300",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        });
        var address = await service.WaitForListeningAsync(Wait);
        using var http = new HttpClient { BaseAddress = address };
        await VisionFlow.Testing.JsonPolling.WaitForJsonAsync(http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 3, "3 agents");

        using var spawn = await http.PostAsync("/api/bots/agents", new StringContent("{\"type\":\"tester\"}", Encoding.UTF8, "application/json"));
        await Assert.That(spawn.StatusCode).IsEqualTo(HttpStatusCode.Created);

        var rest = await Until(receiver, r => r.Spans.FirstOrDefault(s => s.Name == "POST /api/bots/agents"), "the REST span");
        await Assert.That(rest.Scope).IsEqualTo("VisionFlow.Server");
        await Assert.That(rest.Kind).IsEqualTo(2); // SPAN_KIND_SERVER
        await Assert.That(rest.Attributes["http.response.status_code"]).IsEqualTo("201");
        await Assert.That(rest.Attributes["http.route"]).IsEqualTo("/api/bots/agents");

        // The simulator speaks MCP: the spawn is a tools/call of its agent_spawn tool, made under the REST request.
        var call = await Until(receiver, r => r.Spans.FirstOrDefault(s => s.ParentSpanId == rest.SpanId), "the MCP call under the REST span");
        await Assert.That(call.Scope).IsEqualTo("VisionFlow.Connections");
        await Assert.That(call.TraceId).IsEqualTo(rest.TraceId);
        await Assert.That(call.Kind).IsEqualTo(3); // SPAN_KIND_CLIENT
        await Assert.That(call.Name).IsEqualTo("tools/call agent_spawn");
        await Assert.That(call.Attributes["mcp.method.name"]).IsEqualTo("tools/call");
        await Assert.That(call.Attributes["gen_ai.tool.name"]).IsEqualTo("agent_spawn");
        await Assert.That(call.Attributes["visionflow.mcp.dialect"]).IsEqualTo("mcp");

        var requests = await Until(receiver, r => r.Metrics.FirstOrDefault(m => m.Name == "visionflow.http.requests" && m.Value >= 1), "HTTP requests counted");
        await Assert.That(requests.Scope).IsEqualTo("VisionFlow.Server");
        var calls = await Until(receiver, r => r.Metrics.FirstOrDefault(m => m.Name == "mcp.client.operation.duration" && m.Value >= 1), "MCP calls timed");
        await Assert.That(calls.Unit).IsEqualTo("s");
        await Until(receiver, r => r.Metrics.FirstOrDefault(m => m.Name == "visionflow.telemetry.events.accepted" && m.Value >= 1), "telemetry events counted");

        // Probes are counted, not traced; the service name is the default.
        await Assert.That(receiver.Spans.Any(s => s.Name.Contains("/metrics", StringComparison.Ordinal))).IsFalse();
        await Assert.That(receiver.ServiceNames.Distinct().ToList()).IsEquivalentTo(["visionflow"]);
        await Assert.That(service.Stdout.Any(l => l.Contains("exporting traces and metrics over OTLP", StringComparison.Ordinal))).IsTrue();
    }

    [Test]
    public async Task The_service_name_and_each_signal_follow_the_standard_variables()
    {
        await using var receiver = OtlpReceiver.Start();
        await using var service = BinaryProcess.Start(["--port", "0", "--physics-backend", "cpu"], new Dictionary<string, string>
        {
            ["ENABLE_MCP"] = "false",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "50",
            ["OTEL_SERVICE_NAME"] = "edge-box-7",
            ["OTEL_TRACES_EXPORTER"] = "none",
        });
        var address = await service.WaitForListeningAsync(Wait);
        using var http = new HttpClient { BaseAddress = address };
        (await http.GetAsync("/api/bots/status")).Dispose();

        // Three metric exports after the request, each well past the span batch delay, and still no trace export.
        var before = receiver.Requests.GetValueOrDefault("/v1/metrics");
        await Until(receiver, r => r.Requests.GetValueOrDefault("/v1/metrics") >= before + 3 ? "done" : null, "three metric exports");
        await Assert.That(receiver.Requests.ContainsKey("/v1/traces")).IsFalse();
        await Assert.That(receiver.ServiceNames.Distinct().ToList()).IsEquivalentTo(["edge-box-7"]);
        await Assert.That(receiver.Metrics.Any(m => m.Name == "visionflow.uptime")).IsTrue();
    }

    [Test]
    public async Task A_bad_endpoint_is_one_line_and_exit_code_2()
    {
        var (code, _, stderr) = await BinaryProcess.RunToEndAsync(["--port", "0"], new Dictionary<string, string>
        {
            ["ENABLE_MCP"] = "false",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "collector:4317",
        });
        await Assert.That(code).IsEqualTo(2);
        await Assert.That(stderr.Count).IsEqualTo(1);
        await Assert.That(stderr[0]).Contains("OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http:// or https:// URL");
    }

    private static async Task<T> Until<T>(OtlpReceiver receiver, Func<OtlpReceiver, T?> find, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            if (find(receiver) is { } found)
            {
                return found;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"the receiver never got {what} (got {receiver.Spans.Count} spans: {string.Join(", ", receiver.Spans.Select(s => s.Name).Distinct())}; metrics: {string.Join(", ", receiver.Metrics.Select(m => m.Name).Distinct().Take(20))})");
    }

    [GeneratedRegex(@"listening on tcp://127\.0\.0\.1:(\d+)")]
    private static partial Regex SimulatorLine();
}

using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>
/// OTLP export of the published binary to a real OTLP/HTTP receiver (protobuf decoded in the test): with the standard
/// variables set, traces and metrics naming the service arrive; a REST request that calls MCP is one span with the
/// MCP call as its child, whether or not the caller sent a <c>traceparent</c> (browsers, the viewer and curl send none);
/// a caller's sampled context is continued and an unsampled one is respected; probes are counted, not traced.
/// </summary>
public sealed partial class OtlpExportTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_request_without_traceparent_is_a_trace_with_the_mcp_call_as_the_rest_spans_child_and_metrics_arrive()
    {
        await using var receiver = OtlpReceiver.Start();
        await using var simulator = BinaryProcess.Start(["simulate", "--port", "0", "--agents", "3"]);
        var port = await simulator.WaitForLineAsync(SimulatorLine(), Wait);
        await using var service = StartService(receiver, new() { ["CLAUDE_FLOW_HOST"] = "127.0.0.1", ["MCP_TCP_PORT"] = port });
        using var http = await ClientAsync(service);
        await VisionFlow.Testing.JsonPolling.WaitForJsonAsync(http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 3, "3 agents");

        using var spawn = await http.PostAsync("/api/bots/agents", new StringContent("{\"type\":\"tester\"}", Encoding.UTF8, "application/json"));
        await Assert.That(spawn.StatusCode).IsEqualTo(HttpStatusCode.Created);

        var rest = await Until(receiver, r => r.Spans.FirstOrDefault(s => s.Name == "POST /api/bots/agents"), "the REST span");
        await Assert.That(rest.Scope).IsEqualTo("VisionFlow.Server");
        await Assert.That(rest.Kind).IsEqualTo(2); // SPAN_KIND_SERVER
        await Assert.That(rest.ParentSpanId).IsEmpty().Because("the request carried no traceparent, so its span starts a trace");
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

        await Assert.That(receiver.ServiceNames.Distinct().ToList()).IsEquivalentTo(["visionflow"]);
        await Assert.That(service.Stdout.Any(l => l.Contains("exporting traces and metrics over OTLP", StringComparison.Ordinal))).IsTrue();
    }

    [Test]
    public async Task A_callers_sampled_context_is_continued_and_an_unsampled_one_is_not_recorded()
    {
        await using var receiver = OtlpReceiver.Start();
        await using var service = StartService(receiver, new() { ["ENABLE_MCP"] = "false" });
        using var http = await ClientAsync(service);

        var (sampledTrace, sampledParent) = (Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64())));
        using (var sampled = await GetAsync(http, "/api/bots/status", $"00-{sampledTrace}-{sampledParent}-01"))
        {
            await Assert.That(sampled.StatusCode).IsEqualTo(HttpStatusCode.OK);
        }

        var continued = await Until(receiver, r => r.Spans.FirstOrDefault(s => s.TraceId == sampledTrace), "the span of the sampled caller's trace");
        await Assert.That(continued.Name).IsEqualTo("GET /api/bots/status");
        await Assert.That(continued.ParentSpanId).IsEqualTo(sampledParent);

        // The caller decided not to record this trace (flags 00); the SDK's default sampler follows the parent. A request
        // after it is exported, and spans leave in the order they end, so by then the unsampled one would have arrived.
        var unsampledTrace = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using (var unsampled = await GetAsync(http, "/api/bots/status", $"00-{unsampledTrace}-{sampledParent}-00"))
        {
            await Assert.That(unsampled.StatusCode).IsEqualTo(HttpStatusCode.OK);
        }

        using (var after = await GetAsync(http, "/api/graph", traceparent: null))
        {
            await Assert.That(after.StatusCode).IsEqualTo(HttpStatusCode.OK);
        }

        var later = await Until(receiver, r => r.Spans.FirstOrDefault(s => s.Name == "GET /api/graph"), "the span of the request after the unsampled one");
        await Assert.That(later.ParentSpanId).IsEmpty();
        await Assert.That(receiver.Spans.Where(s => s.TraceId == unsampledTrace).Select(s => s.Name).ToList()).IsEmpty();
    }

    [Test]
    public async Task Probes_are_counted_not_traced()
    {
        await using var receiver = OtlpReceiver.Start();
        await using var service = StartService(receiver, new() { ["ENABLE_MCP"] = "false" });
        using var http = await ClientAsync(service);

        string[] probes = ["/metrics", "/api/health", "/api/health/live", "/api/health/ready"];
        var succeeded = 0;
        foreach (var probe in probes.Concat(probes))
        {
            using var response = await GetAsync(http, probe, traceparent: null);
            succeeded += response.IsSuccessStatusCode ? 1 : 0; // readiness may still be 503 while physics starts
        }

        // A traced request after the probes: once its span is in, a probe's span would have been too.
        using (var status = await GetAsync(http, "/api/bots/status", traceparent: null))
        {
            await Assert.That(status.StatusCode).IsEqualTo(HttpStatusCode.OK);
            succeeded++;
        }

        await Until(receiver, r => r.Spans.FirstOrDefault(s => s.Name == "GET /api/bots/status"), "the span of the request after the probes");
        var traced = receiver.Spans.Select(s => s.Attributes.GetValueOrDefault("url.path") ?? s.Name).ToList();
        foreach (var probe in probes)
        {
            await Assert.That(traced).DoesNotContain(probe).Because($"{probe} is a probe: counted, not traced (traced: {string.Join(", ", traced)})");
        }

        // Counted: the probes are in visionflow.http.requests (cumulative; its 2xx series is the largest point received).
        await Until(receiver, r => r.Metrics.FirstOrDefault(m => m.Name == "visionflow.http.requests" && m.Value >= succeeded), $"{succeeded} successful HTTP requests counted");
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

    private static BinaryProcess StartService(OtlpReceiver receiver, Dictionary<string, string> environment)
    {
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString();
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        environment["OTEL_METRIC_EXPORT_INTERVAL"] = "300";
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "100";
        return BinaryProcess.Start(["--port", "0", "--physics-backend", "cpu"], environment);
    }

    /// <summary>
    /// A client that sends no <c>traceparent</c> of its own, as browsers and curl do (.NET's handler would otherwise add
    /// one whenever the test runs inside an activity); a test adds one to a request where it means to.
    /// </summary>
    private static async Task<HttpClient> ClientAsync(BinaryProcess service)
    {
        var address = await service.WaitForListeningAsync(Wait);
        return new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = address };
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string? traceparent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (traceparent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        }

        return await http.SendAsync(request);
    }

    private static Task<T> Until<T>(OtlpReceiver receiver, Func<OtlpReceiver, T?> find, string what)
        where T : class =>
        VisionFlow.Testing.Eventually.FindAsync(
            () => find(receiver), "the receiver get " + what, Wait, pollMilliseconds: 20,
            seen: () => $"{receiver.Spans.Count} spans: {string.Join(", ", receiver.Spans.Select(s => s.Name).Distinct())}; metrics: {string.Join(", ", receiver.Metrics.Select(m => m.Name).Distinct().Take(20))}");

    [GeneratedRegex(@"listening on tcp://127\.0\.0\.1:(\d+)")]
    private static partial Regex SimulatorLine();
}

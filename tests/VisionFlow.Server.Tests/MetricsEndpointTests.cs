using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using VisionFlow.Server.Configuration;
using VisionFlow.Testing;
using VisionFlow.Testing.Hosting;

namespace VisionFlow.Server.Tests;

public sealed partial class MetricsEndpointTests
{
    [Test]
    public async Task Metrics_are_prometheus_text_with_live_http_counters()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false });
        var before = Counter(await server.Http.GetStringAsync("/metrics"), "2xx");
        for (var i = 0; i < 5; i++)
        {
            (await server.Http.GetAsync("/api/health")).Dispose();
        }

        (await server.Http.GetAsync("/api/does-not-exist")).Dispose();
        using var response = await server.Http.GetAsync("/metrics");
        await Assert.That(response.Content.Headers.ContentType!.MediaType).IsEqualTo("text/plain");
        var text = await response.Content.ReadAsStringAsync();
        await Assert.That(Counter(text, "2xx") - before).IsGreaterThanOrEqualTo(6); // 5 health + the first /metrics
        await Assert.That(Counter(text, "4xx")).IsGreaterThanOrEqualTo(1);
        foreach (var family in new[] { "visionflow_http_request_duration_seconds", "visionflow_ws_clients", "process_resident_memory_bytes", "process_open_fds", "visionflow_uptime_seconds" })
        {
            await Assert.That(text).Contains($"# TYPE {family} ");
        }

        // Every non-comment line is "name{labels} value".
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')))
        {
            await Assert.That(SampleLine().IsMatch(line)).IsTrue();
        }
    }

    [Test]
    public async Task Mcp_calls_are_timed_by_method_tool_dialect_and_outcome()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 2);
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(swarm));
        await JsonPolling.WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 2, "2 agents");

        using (var spawn = await server.Http.PostAsync("/api/bots/agents", new StringContent("{\"type\":\"coder\"}", Encoding.UTF8, "application/json")))
        {
            await Assert.That(spawn.StatusCode).IsEqualTo(HttpStatusCode.Created);
        }

        var text = await server.Http.GetStringAsync("/metrics");
        await Assert.That(text).Contains("# TYPE mcp_client_operation_duration_seconds histogram");
        await Assert.That(text).Contains(
            "mcp_client_operation_duration_seconds_count{gen_ai_tool_name=\"agent_spawn\",mcp_method_name=\"tools/call\",visionflow_mcp_dialect=\"mcp\"} 1\n");

        // The link's own health pings (every 100 ms here) go through the same path and are counted too.
        await Eventually.UntilAsync(
            async () => (text = await server.Http.GetStringAsync("/metrics")).Contains("mcp_method_name=\"ping\"", StringComparison.Ordinal),
            "a health ping timed on /metrics",
            TimeSpan.FromSeconds(20),
            pollMilliseconds: 20);

        await Assert.That(text).Contains("mcp_method_name=\"ping\"");
        await Assert.That(Sample(text, "visionflow_mcp_requests_successful_total")).IsGreaterThanOrEqualTo(2);
        await Assert.That(Sample(text, "visionflow_mcp_pool_total_connections")).IsGreaterThanOrEqualTo(1);
        await Assert.That(Sample(text, "visionflow_mcp_link_state{state=\"connected\"}")).IsEqualTo(1);
    }

    [Test]
    public async Task Each_server_in_a_process_reports_only_its_own_figures()
    {
        // Meters come from each host's own factory: two in-process servers never read each other's instruments.
        await using var a = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false });
        await using var b = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false });
        for (var i = 0; i < 20; i++)
        {
            (await a.Http.GetAsync("/api/health")).Dispose();
        }

        var textA = await a.Http.GetStringAsync("/metrics");
        var textB = await b.Http.GetStringAsync("/metrics");
        await Assert.That(Counter(textA, "2xx")).IsGreaterThanOrEqualTo(20);
        await Assert.That(Counter(textB, "2xx")).IsLessThan(20);
        // One family each, not one per server in the process.
        await Assert.That(textA.Split('\n').Count(l => l == "# TYPE visionflow_uptime_seconds gauge")).IsEqualTo(1);
    }

    private static double Sample(string text, string series)
    {
        var line = text.Split('\n').Single(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private static double Counter(string text, string code)
    {
        var m = Regex.Match(text, "visionflow_http_requests_total\\{code=\"" + code + "\"\\} ([0-9.e+]+)");
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*\\})? (-?[0-9.e+E-]+|\\+Inf|NaN)$")]
    private static partial Regex SampleLine();
}

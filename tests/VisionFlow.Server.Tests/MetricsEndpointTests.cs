using System.Globalization;
using System.Text.RegularExpressions;
using VisionFlow.Server.Configuration;
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

    private static double Counter(string text, string code)
    {
        var m = Regex.Match(text, "visionflow_http_requests_total\\{code=\"" + code + "\"\\} ([0-9.e+]+)");
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*\\})? (-?[0-9.e+E-]+|\\+Inf|NaN)$")]
    private static partial Regex SampleLine();
}

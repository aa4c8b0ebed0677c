using System.Text.Json;
using System.Text.RegularExpressions;
using VisionFlow.Testing;
using VisionFlow.Testing.Contracts;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>
/// What the published binary serves passes the tools people point at it: <c>redocly lint</c> on <c>/openapi.json</c>
/// (so a client can be generated from it) and <c>promtool check metrics</c> on <c>/metrics</c> (so Prometheus's
/// conventions hold: base units, suffixes, help and type lines).
/// </summary>
public sealed class ContractToolTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Warnings of Redocly's recommended rules that the document keeps on purpose, each with its reason; anything else,
    /// and every error, fails.
    /// </summary>
    private static readonly Dictionary<(string Rule, string Pointer), string> KeptWarnings = new()
    {
        [("operation-2xx-response", "#/paths/~1ws/get/responses")] = "a WebSocket upgrade answers 101; there is no 2xx to document",
        [("info-license", "#/info")] = "the project has not chosen a licence yet; the document will name it when it has one",
    };

    [Test]
    public async Task Redocly_lints_the_served_openapi_document_clean()
    {
        await using var service = BinaryProcess.Start(["--port", "0", "--physics-backend", "cpu"], new Dictionary<string, string> { ["ENABLE_MCP"] = "false" });
        var address = await service.WaitForListeningAsync(Wait);
        using var http = new HttpClient { BaseAddress = address };
        var file = Path.Combine(Path.GetTempPath(), $"visionflow-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await http.GetStringAsync("/openapi.json"));
        try
        {
            var (code, output, error) = await Command.RunAsync(ContractTools.Redocly, "lint", file, "--format=json");
            var report = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]).RootElement;
            var problems = report.GetProperty("problems").EnumerateArray()
                .Select(p => (Rule: p.GetProperty("ruleId").GetString()!, Severity: p.GetProperty("severity").GetString()!, Message: p.GetProperty("message").GetString()!,
                    Pointer: p.GetProperty("location")[0].GetProperty("pointer").GetString()!))
                .ToList();
            var unexpected = problems.Where(p => p.Severity == "error" || !KeptWarnings.ContainsKey((p.Rule, p.Pointer))).Select(p => $"{p.Severity} {p.Rule} at {p.Pointer}: {p.Message}").ToList();
            await Assert.That(unexpected).IsEmpty().Because("redocly lint: " + string.Join("\n", unexpected) + "\n" + error);
            await Assert.That(code).IsEqualTo(0);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task Promtool_accepts_the_served_metrics_with_every_product_meter_reporting()
    {
        // The simulator in-process: the MCP link, its pool, telemetry and physics all report, so every family is there.
        await using var service = BinaryProcess.Start(["--simulator", "--port", "0", "--physics-backend", "cpu", "--health-interval", "200"]);
        var address = await service.WaitForListeningAsync(Wait);
        using var http = new HttpClient { BaseAddress = address };
        var metrics = await Eventually.FindAsync(
            async () =>
            {
                var text = await http.GetStringAsync("/metrics");
                return Families.All(f => Regex.IsMatch(text, $"^{f}[ {{]", RegexOptions.Multiline)) ? text : null;
            },
            "every product meter on /metrics", Wait, pollMilliseconds: 100);

        var (code, output, error) = await CheckAsync(metrics);
        await Assert.That(code).IsEqualTo(0).Because($"promtool check metrics: {output}{error}");
        await Assert.That((output + error).Trim()).IsEmpty();
    }

    [Test]
    public async Task Promtool_refuses_what_it_should_so_the_check_can_fail()
    {
        var (code, output, error) = await CheckAsync("# HELP x_response_time_ms Mean.\n# TYPE x_response_time_ms gauge\nx_response_time_ms 1.5\n");
        await Assert.That(code).IsNotEqualTo(0);
        await Assert.That(output + error).Contains("x_response_time_ms");
    }

    /// <summary>A family of each meter, the two renamed to base units among them.</summary>
    private static readonly string[] Families =
    [
        "visionflow_http_requests_total", "visionflow_uptime_seconds", "mcp_client_operation_duration_seconds_count",
        "visionflow_mcp_average_response_time_seconds", "visionflow_mcp_link_state", "visionflow_telemetry_events_accepted_total",
        "visionflow_physics_step_p50_seconds", "visionflow_physics_step_p99_seconds",
    ];

    private static async Task<(int Code, string Output, string Error)> CheckAsync(string metrics)
    {
        // promtool reads the exposition from standard input only.
        var file = Path.Combine(Path.GetTempPath(), $"visionflow-metrics-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, metrics);
        try
        {
            return await Command.RunAsync("bash", "-c", "exec \"$0\" check metrics < \"$1\"", ContractTools.Promtool, file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

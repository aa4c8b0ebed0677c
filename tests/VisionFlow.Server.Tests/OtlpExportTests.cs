using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using VisionFlow.Server.Cli;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Telemetry;
using VisionFlow.Testing.Hosting;

namespace VisionFlow.Server.Tests;

/// <summary>
/// When the OpenTelemetry SDK is switched on by the standard variables, and that nothing of it exists when they are
/// unset. (The export itself is tested against the published binary and a real receiver in the end-to-end suite.)
/// </summary>
public sealed class OtlpExportTests
{
    [Test]
    [Arguments(new string[0], false, false)]
    [Arguments(new[] { "OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317" }, true, true)]
    [Arguments(new[] { "OTEL_EXPORTER_OTLP_ENDPOINT= " }, false, false)]
    [Arguments(new[] { "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://collector:4318/v1/traces" }, true, false)]
    [Arguments(new[] { "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT=http://collector:4318/v1/metrics" }, false, true)]
    [Arguments(new[] { "OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317", "OTEL_SDK_DISABLED=TRUE" }, false, false)]
    [Arguments(new[] { "OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317", "OTEL_SDK_DISABLED=false" }, true, true)]
    [Arguments(new[] { "OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317", "OTEL_METRICS_EXPORTER=none" }, true, false)]
    [Arguments(new[] { "OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317", "OTEL_TRACES_EXPORTER=none" }, false, true)]
    [Arguments(new[] { "OTEL_SERVICE_NAME=edge-7" }, false, false)]
    public async Task Signals_follow_the_standard_variables(string[] environment, bool traces, bool metrics)
    {
        var variables = environment.Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var signals = OtlpExport.Signals(name => variables.GetValueOrDefault(name));
        await Assert.That(signals).IsEqualTo((traces, metrics));
    }

    [Test]
    [Arguments("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317", "absolute http:// or https:// URL")]
    [Arguments("OTEL_EXPORTER_OTLP_ENDPOINT", "not a url", "absolute http:// or https:// URL")]
    [Arguments("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "ftp://collector/v1/metrics", "absolute http:// or https:// URL")]
    [Arguments("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", "grpc or http/protobuf")]
    [Arguments("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "GRPC ", "grpc or http/protobuf")]
    public async Task A_value_the_sdk_would_ignore_is_named(string variable, string value, string accepted)
    {
        var environment = new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4317", [variable] = value };
        var problem = OtlpExport.Problem(name => environment.GetValueOrDefault(name));
        await Assert.That(problem).IsNotNull();
        await Assert.That(problem!).Contains(variable);
        await Assert.That(problem!).Contains(accepted);
    }

    [Test]
    [Arguments("http://collector:4317", "grpc")]
    [Arguments("https://otel.example.net:4318/", "http/protobuf")]
    public async Task Good_values_pass(string endpoint, string protocol)
    {
        var environment = new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint, ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol };
        await Assert.That(OtlpExport.Problem(name => environment.GetValueOrDefault(name))).IsNull();
    }

    [Test]
    public async Task Without_an_endpoint_no_sdk_object_is_built()
    {
        // The test process is started without OTEL_* variables (the suite relies on it, as CI does).
        await Assert.That(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")).IsNull();
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false });
        await Assert.That(server.Services.GetService<TracerProvider>()).IsNull();
        await Assert.That(server.Services.GetService<MeterProvider>()).IsNull();
    }

    [Test]
    public async Task Help_names_the_standard_variables()
    {
        var help = HelpText.Build("1.2.3");
        foreach (var variable in new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_SERVICE_NAME", "OTEL_METRIC_EXPORT_INTERVAL", "OTEL_BSP_SCHEDULE_DELAY" })
        {
            await Assert.That(help).Contains(variable);
        }

        await Assert.That(help).Contains("default visionflow");
    }
}

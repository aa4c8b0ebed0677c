using System.Collections;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using VisionFlow.Connections.Diagnostics;
using VisionFlow.Server.Metrics;

namespace VisionFlow.Server.Telemetry;

/// <summary>
/// OTLP export of the product's meters and activity sources with the OpenTelemetry .NET SDK, switched on by the standard
/// variables: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or a signal's own <c>…_TRACES_ENDPOINT</c> / <c>…_METRICS_ENDPOINT</c>).
/// Unset, or <c>OTEL_SDK_DISABLED=true</c>, and no SDK object is built at all. The SDK reads every other <c>OTEL_*</c>
/// variable itself (protocol, headers, timeouts, <c>OTEL_METRIC_EXPORT_INTERVAL</c>, <c>OTEL_BSP_SCHEDULE_DELAY</c>,
/// <c>OTEL_TRACES_SAMPLER</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>, …); <c>OTEL_SERVICE_NAME</c> defaults to
/// <c>visionflow</c>; <c>OTEL_TRACES_EXPORTER=none</c> or <c>OTEL_METRICS_EXPORTER=none</c> leaves one signal out.
/// </summary>
internal static partial class OtlpExport
{
    /// <summary>The service name when <c>OTEL_SERVICE_NAME</c> (and <c>service.name</c> in the resource attributes) is unset.</summary>
    public const string DefaultServiceName = "visionflow";

    /// <summary>Which signals the environment asks to export; both false means the SDK stays out entirely.</summary>
    public static (bool Traces, bool Metrics) Signals(Func<string, string?> environment)
    {
        if (string.Equals(environment("OTEL_SDK_DISABLED")?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return (false, false);
        }

        var shared = Set(environment("OTEL_EXPORTER_OTLP_ENDPOINT"));
        var traces = (shared || Set(environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))) && !None(environment("OTEL_TRACES_EXPORTER"));
        var metrics = (shared || Set(environment("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"))) && !None(environment("OTEL_METRICS_EXPORTER"));
        return (traces, metrics);

        static bool Set(string? value) => !string.IsNullOrWhiteSpace(value);
        static bool None(string? value) => string.Equals(value?.Trim(), "none", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// What is wrong with the OTLP variables, or null. The SDK would ignore a bad endpoint or protocol and export to its
    /// default (or nowhere) without a word; here it is one line and exit code 2, like any other bad setting.
    /// </summary>
    public static string? Problem(Func<string, string?> environment)
    {
        foreach (var name in (ReadOnlySpan<string>)["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"])
        {
            var value = environment(name);
            if (!string.IsNullOrWhiteSpace(value)
                && !(Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            {
                return $"{name} must be an absolute http:// or https:// URL (e.g. http://collector:4317), not '{value}'";
            }
        }

        foreach (var name in (ReadOnlySpan<string>)["OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"])
        {
            if (environment(name) is { } value && !string.IsNullOrWhiteSpace(value) && value is not ("grpc" or "http/protobuf"))
            {
                return $"{name} must be grpc or http/protobuf, not '{value}'";
            }
        }

        return null;
    }

    /// <summary>Adds the SDK when the environment asks for it; returns the signals switched on.</summary>
    /// <exception cref="ArgumentException">An OTLP variable has a value the SDK would silently ignore.</exception>
    /// <remarks>
    /// The host is built empty (no environment configuration source, on purpose), so the <c>OTEL_*</c> variables — and
    /// only those — are handed to the configuration the SDK reads its options from.
    /// </remarks>
    public static (bool Traces, bool Metrics) TryAdd(IServiceCollection services, IConfigurationBuilder configuration, string serviceVersion)
    {
        var (traces, metrics) = Signals(Environment.GetEnvironmentVariable);
        if (!traces && !metrics)
        {
            return (false, false);
        }

        if (Problem(Environment.GetEnvironmentVariable) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        var variables = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase))
            {
                variables[key] = entry.Value as string;
            }
        }

        configuration.AddInMemoryCollection(variables);
        var otel = services.AddOpenTelemetry()
            // Later detectors win: our default name first, then OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME over it.
            .ConfigureResource(r => r.AddService(DefaultServiceName, serviceVersion: serviceVersion).AddEnvironmentVariableDetector());
        if (traces)
        {
            otel.WithTracing(t => t.AddSource(ServerTelemetry.ActivitySourceName, ConnectionsTelemetry.ActivitySourceName).AddOtlpExporter());
        }

        if (metrics)
        {
            otel.WithMetrics(m => m.AddMeter(ProductMeters.Names).AddOtlpExporter());
        }

        return (traces, metrics);
    }

    /// <summary>The <c>--help</c> paragraph: the standard variables the SDK reads (they are not visionflow settings).</summary>
    public static void AppendHelp(StringBuilder help)
    {
        help.AppendLine("OpenTelemetry (standard OTEL_* variables, read by the OpenTelemetry SDK; all unset: no exporter is built):");
        help.AppendLine("  OTEL_EXPORTER_OTLP_ENDPOINT    switches OTLP export of traces and metrics on, e.g. http://collector:4317");
        help.AppendLine("  OTEL_EXPORTER_OTLP_PROTOCOL    grpc (the SDK's default) or http/protobuf (then the endpoint is usually :4318)");
        help.AppendLine($"  OTEL_SERVICE_NAME              default {DefaultServiceName}; OTEL_RESOURCE_ATTRIBUTES adds resource attributes");
        help.AppendLine("  OTEL_METRIC_EXPORT_INTERVAL    ms between metric exports (default 60000)");
        help.AppendLine("  OTEL_BSP_SCHEDULE_DELAY        ms between span batches (default 5000)");
        help.AppendLine("  also OTEL_EXPORTER_OTLP_HEADERS / _TIMEOUT / _COMPRESSION, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / _METRICS_ENDPOINT,");
        help.AppendLine("  OTEL_TRACES_EXPORTER=none / OTEL_METRICS_EXPORTER=none (one signal off), OTEL_TRACES_SAMPLER, OTEL_SDK_DISABLED=true");
        help.AppendLine("GET /metrics serves the same instruments as Prometheus text; dotnet-counters reads them from a JIT build (see README).");
    }

    /// <summary>Says at start-up what is exported, and where, so an operator sees it is on.</summary>
    public static void LogEnabled(ILogger logger, (bool Traces, bool Metrics) signals)
    {
        if (!signals.Traces && !signals.Metrics)
        {
            return;
        }

        var what = signals.Traces && signals.Metrics ? "traces and metrics" : signals.Traces ? "traces" : "metrics";
        var endpoint = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") ?? "the signals' own endpoints";
        LogExporting(logger, what, endpoint, Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL") ?? "grpc");
    }

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "OpenTelemetry: exporting {What} over OTLP to {Endpoint} ({Protocol})")]
    private static partial void LogExporting(ILogger logger, string what, string endpoint, string protocol);
}

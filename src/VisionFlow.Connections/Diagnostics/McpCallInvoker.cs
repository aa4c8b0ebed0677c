using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using VisionFlow.Connections.Failures;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Connections.Diagnostics;

/// <summary>
/// Times every request a pooled MCP connection sends (<c>mcp.client.operation.duration</c>) and, inside a traced
/// operation (a REST request), makes it a client span named after OpenTelemetry's MCP conventions
/// (<c>tools/call agent_spawn</c>, <c>agent.spawn</c>). The outcome is the failure classifier's name for what went wrong;
/// a tool result flagged <c>isError</c> counts as a refusal. A Claude Flow result saying <c>"success": false</c> in its
/// text is a delivered answer here (only the swarm client above reads that text); the REST span carries that outcome.
/// </summary>
/// <remarks>
/// Background calls (health pings, telemetry polls) have no parent activity and get no span: they are counted, not
/// traced, so an idle service does not emit a trace every few seconds. The async methods use the pooling builder, so a
/// request allocates nothing more for being measured.
/// </remarks>
internal sealed class McpCallInvoker(IJsonRpcInvoker inner, Histogram<double>? duration, ServerDialect dialect, string? host, int port, string networkTransport = "tcp") : IJsonRpcInvoker
{
    private static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    private readonly string _dialect = dialect == ServerDialect.Plain ? "plain" : "mcp";

    /// <summary>
    /// The duration of each MCP request on the wire (OpenTelemetry's MCP semantic conventions: <c>mcp.method.name</c>,
    /// <c>gen_ai.tool.name</c> for a tool call, <c>error.type</c> from the failure classifier when it failed) and the
    /// server's dialect (<c>visionflow.mcp.dialect</c>: <c>mcp</c> or <c>plain</c>).
    /// </summary>
    public static Histogram<double> CreateDuration(Meter meter) =>
        meter.CreateHistogram<double>(
            "mcp.client.operation.duration",
            "s",
            "Duration of MCP requests as the client sees them.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });

    public ValueTask<TResult> InvokeAsync<TParams, TResult>(
        string method, TParams parameters, JsonTypeInfo<TParams> parametersType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken) =>
        Observed
            ? MeasureAsync(method, ToolOf(parameters), parameters, parametersType, resultType, cancellationToken)
            : inner.InvokeAsync(method, parameters, parametersType, resultType, cancellationToken);

    public ValueTask<TResult> InvokeAsync<TResult>(string method, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken) =>
        Observed ? MeasureAsync(method, resultType, cancellationToken) : inner.InvokeAsync(method, resultType, cancellationToken);

    // Notifications get no answer, so there is nothing to time; they pass straight through.
    public ValueTask NotifyAsync<TParams>(string method, TParams parameters, JsonTypeInfo<TParams> parametersType, CancellationToken cancellationToken) =>
        inner.NotifyAsync(method, parameters, parametersType, cancellationToken);

    public ValueTask NotifyAsync(string method, CancellationToken cancellationToken) => inner.NotifyAsync(method, cancellationToken);

    private bool Observed => duration is { Enabled: true } || ConnectionsTelemetry.ActivitySource.HasListeners();

    private static string? ToolOf<TParams>(TParams parameters) => parameters is McpToolCallParams call ? call.Name : null;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<TResult> MeasureAsync<TParams, TResult>(
        string method, string? tool, TParams parameters, JsonTypeInfo<TParams> parametersType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
    {
        var call = Begin(method, tool);
        if (call.Span is { } traced && parameters is McpToolCallParams request)
        {
            // OpenTelemetry's MCP conventions: the client span's context travels in params._meta.
            parameters = (TParams)(object)request.WithTraceContext(traced);
        }

        try
        {
            var result = await inner.InvokeAsync(method, parameters, parametersType, resultType, cancellationToken).ConfigureAwait(false);
            End(call, method, tool, result is McpToolCallResult { IsError: true } ? FailureClassifier.Name(McpFailureKind.Refusal) : null, null);
            return result;
        }
        catch (Exception ex)
        {
            End(call, method, tool, FailureClassifier.Classify(ex).KindName, ex);
            throw;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<TResult> MeasureAsync<TResult>(string method, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
    {
        var call = Begin(method, null);
        try
        {
            var result = await inner.InvokeAsync(method, resultType, cancellationToken).ConfigureAwait(false);
            End(call, method, null, null, null);
            return result;
        }
        catch (Exception ex)
        {
            End(call, method, null, FailureClassifier.Classify(ex).KindName, ex);
            throw;
        }
    }

    private (long Start, Activity? Span) Begin(string method, string? tool)
    {
        Activity? span = null;
        if (Activity.Current is not null)
        {
            span = ConnectionsTelemetry.ActivitySource.StartActivity(tool is null ? method : $"{method} {tool}", ActivityKind.Client);
            if (span is { IsAllDataRequested: true })
            {
                span.SetTag("mcp.method.name", method);
                if (tool is not null)
                {
                    span.SetTag("gen_ai.tool.name", tool);
                    span.SetTag("gen_ai.operation.name", "execute_tool");
                }

                span.SetTag("visionflow.mcp.dialect", _dialect);
                span.SetTag("network.transport", networkTransport);
                if (host is not null)
                {
                    span.SetTag("server.address", host);
                    span.SetTag("server.port", port);
                }
            }
        }

        return (Stopwatch.GetTimestamp(), span);
    }

    private void End((long Start, Activity? Span) call, string method, string? tool, string? errorType, Exception? exception)
    {
        var seconds = Stopwatch.GetElapsedTime(call.Start).TotalSeconds;
        if (duration is { Enabled: true } histogram)
        {
            var tags = new TagList
            {
                { "mcp.method.name", method },
                { "visionflow.mcp.dialect", _dialect },
            };
            if (tool is not null)
            {
                tags.Add("gen_ai.tool.name", tool);
            }

            if (errorType is not null)
            {
                tags.Add("error.type", errorType);
            }

            histogram.Record(seconds, tags);
        }

        if (call.Span is { } span)
        {
            if (errorType is not null)
            {
                span.SetTag("error.type", errorType);
                if (exception is JsonRpcException rpc)
                {
                    span.SetTag("rpc.jsonrpc.error_code", rpc.Code);
                }

                span.SetStatus(ActivityStatusCode.Error, exception?.Message ?? errorType);
            }

            span.Dispose();
        }
    }
}

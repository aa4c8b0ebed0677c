using System.Diagnostics;
using System.Text.Json.Serialization;

namespace VisionFlow.Protocol.Contracts.Mcp;

/// <summary>
/// A request's <c>params._meta</c>: where OpenTelemetry's MCP semantic conventions carry the W3C trace context
/// (<c>traceparent</c>, <c>tracestate</c>) from the client's span to the server. Servers that do not trace ignore it
/// (Claude Flow 3.43 answers as without it: <c>tests/interop/fixtures/claude-flow.trace-context.jsonl</c>).
/// </summary>
public sealed record McpRequestMeta
{
    /// <summary>W3C <c>traceparent</c>: version, trace id, the client span's id, flags.</summary>
    [JsonPropertyName("traceparent")]
    public string? TraceParent { get; init; }

    /// <summary>W3C <c>tracestate</c>, when the trace carries one.</summary>
    [JsonPropertyName("tracestate")]
    public string? TraceState { get; init; }

    /// <summary>The trace context of <paramref name="span"/> (the client span of the request), or null when there is none.</summary>
    public static McpRequestMeta? For(Activity? span) =>
        span is { IdFormat: ActivityIdFormat.W3C, Id: { } id }
            ? new McpRequestMeta { TraceParent = id, TraceState = string.IsNullOrEmpty(span.TraceStateString) ? null : span.TraceStateString }
            : null;
}

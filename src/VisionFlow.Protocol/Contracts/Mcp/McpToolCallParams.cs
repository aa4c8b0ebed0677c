using System.Text.Json;

namespace VisionFlow.Protocol.Contracts.Mcp;

/// <summary>Params of <c>tools/call</c>: <c>{name, arguments}</c>.</summary>
public sealed record McpToolCallParams
{
    /// <summary>Tool to call.</summary>
    public required string Name { get; init; }

    /// <summary>Arguments matching the tool's input schema.</summary>
    public JsonElement? Arguments { get; init; }

    /// <summary>
    /// <c>_meta</c>: where OpenTelemetry's MCP semantic conventions carry the W3C trace context (<c>traceparent</c>,
    /// <c>tracestate</c>) from the client's span to the server (<see cref="WithTraceContext"/>); omitted otherwise. Servers
    /// that do not trace ignore it (Claude Flow 3.43 answers as without it: tests/interop/fixtures/claude-flow.trace-context.jsonl).
    /// </summary>
    [System.Text.Json.Serialization.JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }

    /// <summary>This call carrying <paramref name="span"/>'s W3C trace context in <c>params._meta</c>, or unchanged when there is no span.</summary>
    public McpToolCallParams WithTraceContext(System.Diagnostics.Activity? span)
    {
        if (span is not { IdFormat: System.Diagnostics.ActivityIdFormat.W3C, Id: { } traceparent })
        {
            return this;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("traceparent"u8, traceparent);
            if (!string.IsNullOrEmpty(span.TraceStateString))
            {
                w.WriteString("tracestate"u8, span.TraceStateString);
            }

            w.WriteEndObject();
        }

        using var meta = JsonDocument.Parse(buffer.WrittenMemory);
        return this with { Meta = meta.RootElement.Clone() };
    }
}

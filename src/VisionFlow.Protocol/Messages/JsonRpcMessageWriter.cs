using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using VisionFlow.Protocol.Framing;

namespace VisionFlow.Protocol.Messages;

/// <summary>
/// Serializes JSON-RPC messages straight into an <see cref="IBufferWriter{T}"/>, each terminated by <c>\n</c>, through one
/// reusable <see cref="Utf8JsonWriter"/>. Not thread-safe: one instance per writer (a connection uses it under its write lock).
/// Ids are passed as raw JSON tokens (<c>"abc-1"</c> with quotes, or <c>42</c>) so a response can echo a request's id verbatim.
/// </summary>
internal sealed class JsonRpcMessageWriter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };
    private static readonly JsonEncodedText JsonRpc = JsonEncodedText.Encode("jsonrpc");
    private static readonly JsonEncodedText Version = JsonEncodedText.Encode("2.0");
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText MethodName = JsonEncodedText.Encode("method");
    private static readonly JsonEncodedText Params = JsonEncodedText.Encode("params");
    private static readonly JsonEncodedText Result = JsonEncodedText.Encode("result");
    private static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
    private static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
    private static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText Data = JsonEncodedText.Encode("data");

    private readonly Utf8JsonWriter _writer = new(NullBufferWriter.Instance, WriterOptions);

    /// <summary>Writes a request with parameters.</summary>
    public void WriteRequest<TParams>(IBufferWriter<byte> output, ReadOnlySpan<byte> idJson, string method, TParams parameters, JsonTypeInfo<TParams> parametersType)
    {
        ArgumentNullException.ThrowIfNull(parametersType);
        var w = Begin(output);
        w.WritePropertyName(Id);
        w.WriteRawValue(idJson);
        w.WriteString(MethodName, method);
        w.WritePropertyName(Params);
        JsonSerializer.Serialize(w, parameters, parametersType);
        End(output);
    }

    /// <summary>Writes a request without parameters.</summary>
    public void WriteRequest(IBufferWriter<byte> output, ReadOnlySpan<byte> idJson, string method)
    {
        var w = Begin(output);
        w.WritePropertyName(Id);
        w.WriteRawValue(idJson);
        w.WriteString(MethodName, method);
        End(output);
    }

    /// <summary>Writes a request with a numeric id.</summary>
    public void WriteRequest<TParams>(IBufferWriter<byte> output, long id, string method, TParams parameters, JsonTypeInfo<TParams> parametersType)
    {
        ArgumentNullException.ThrowIfNull(parametersType);
        var w = Begin(output);
        w.WriteNumber(Id, id);
        w.WriteString(MethodName, method);
        w.WritePropertyName(Params);
        JsonSerializer.Serialize(w, parameters, parametersType);
        End(output);
    }

    /// <summary>Writes a notification with parameters.</summary>
    public void WriteNotification<TParams>(IBufferWriter<byte> output, string method, TParams parameters, JsonTypeInfo<TParams> parametersType)
    {
        ArgumentNullException.ThrowIfNull(parametersType);
        var w = Begin(output);
        w.WriteString(MethodName, method);
        w.WritePropertyName(Params);
        JsonSerializer.Serialize(w, parameters, parametersType);
        End(output);
    }

    /// <summary>Writes a notification without parameters.</summary>
    public void WriteNotification(IBufferWriter<byte> output, string method)
    {
        var w = Begin(output);
        w.WriteString(MethodName, method);
        End(output);
    }

    /// <summary>Writes a success response whose result is serialized through <paramref name="resultType"/>.</summary>
    public void WriteResponse<TResult>(IBufferWriter<byte> output, ReadOnlySpan<byte> idJson, TResult result, JsonTypeInfo<TResult> resultType)
    {
        ArgumentNullException.ThrowIfNull(resultType);
        var w = Begin(output);
        w.WritePropertyName(Id);
        w.WriteRawValue(idJson);
        w.WritePropertyName(Result);
        JsonSerializer.Serialize(w, result, resultType);
        End(output);
    }

    /// <summary>Writes a success response whose result is already-serialized JSON (<c>null</c> when empty).</summary>
    public void WriteResponse(IBufferWriter<byte> output, ReadOnlySpan<byte> idJson, ReadOnlySpan<byte> resultJson)
    {
        var w = Begin(output);
        w.WritePropertyName(Id);
        w.WriteRawValue(idJson);
        w.WritePropertyName(Result);
        if (resultJson.IsEmpty)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteRawValue(resultJson);
        }

        End(output);
    }

    /// <summary>Writes an error response; an empty <paramref name="idJson"/> writes <c>"id": null</c>.</summary>
    public void WriteError(IBufferWriter<byte> output, ReadOnlySpan<byte> idJson, int code, string message, JsonElement? data = null)
    {
        var w = Begin(output);
        w.WritePropertyName(Id);
        if (idJson.IsEmpty)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteRawValue(idJson);
        }

        w.WriteStartObject(Error);
        w.WriteNumber(Code, code);
        w.WriteString(Message, message);
        if (data is { } d)
        {
            w.WritePropertyName(Data);
            d.WriteTo(w);
        }

        w.WriteEndObject();
        End(output);
    }

    /// <summary>Writes any value as one line, e.g. a telemetry push line <c>{"type":…,"data":…,"timestamp":…}</c> (no JSON-RPC envelope).</summary>
    public void WriteLine<T>(IBufferWriter<byte> output, T value, JsonTypeInfo<T> valueType)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(valueType);
        _writer.Reset(output);
        JsonSerializer.Serialize(_writer, value, valueType);
        End(output, endObject: false);
    }

    private Utf8JsonWriter Begin(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _writer.Reset(output);
        _writer.WriteStartObject();
        _writer.WriteString(JsonRpc, Version);
        return _writer;
    }

    private void End(IBufferWriter<byte> output, bool endObject = true)
    {
        if (endObject)
        {
            _writer.WriteEndObject();
        }

        _writer.Flush();
        LineWriter.WriteTerminator(output);

        // Drop the reference so an idle writer does not keep a connection's buffers reachable.
        _writer.Reset(NullBufferWriter.Instance);
    }

    /// <summary>Placeholder target between messages; never written to.</summary>
    private sealed class NullBufferWriter : IBufferWriter<byte>
    {
        public static readonly NullBufferWriter Instance = new();

        public void Advance(int count) => throw new InvalidOperationException("no output attached");

        public Memory<byte> GetMemory(int sizeHint = 0) => throw new InvalidOperationException("no output attached");

        public Span<byte> GetSpan(int sizeHint = 0) => throw new InvalidOperationException("no output attached");
    }
}

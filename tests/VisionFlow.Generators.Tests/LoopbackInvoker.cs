using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Dispatch;

namespace VisionFlow.Generators.Tests;

/// <summary>
/// An <see cref="IJsonRpcInvoker"/> that hands each call straight to a dispatch table: params are serialized to UTF-8
/// with their type info, the handler writes the result to a <see cref="Utf8JsonWriter"/>, and the bytes are read back.
/// </summary>
internal sealed class LoopbackInvoker(JsonRpcDispatchTable table) : IJsonRpcInvoker
{
    /// <summary>Every call in order: method and the params JSON, or null when params were omitted.</summary>
    public List<(string Method, string? Params)> Sent { get; } = [];

    /// <summary>What the last handler wrote as its result.</summary>
    public string LastResult { get; private set; } = string.Empty;

    public async ValueTask<TResult> InvokeAsync<TParams, TResult>(string method, TParams parameters, JsonTypeInfo<TParams> parametersType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
    {
        var written = await SendAsync(method, JsonSerializer.SerializeToUtf8Bytes(parameters, parametersType), cancellationToken);
        return JsonSerializer.Deserialize(written.Span, resultType)!;
    }

    public async ValueTask<TResult> InvokeAsync<TResult>(string method, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
    {
        var written = await SendAsync(method, ReadOnlyMemory<byte>.Empty, cancellationToken);
        return JsonSerializer.Deserialize(written.Span, resultType)!;
    }

    public async ValueTask NotifyAsync<TParams>(string method, TParams parameters, JsonTypeInfo<TParams> parametersType, CancellationToken cancellationToken) =>
        await SendAsync(method, JsonSerializer.SerializeToUtf8Bytes(parameters, parametersType), cancellationToken);

    public async ValueTask NotifyAsync(string method, CancellationToken cancellationToken) =>
        await SendAsync(method, ReadOnlyMemory<byte>.Empty, cancellationToken);

    private async ValueTask<ReadOnlyMemory<byte>> SendAsync(string method, ReadOnlyMemory<byte> parameters, CancellationToken cancellationToken)
    {
        Sent.Add((method, parameters.IsEmpty ? null : Encoding.UTF8.GetString(parameters.Span)));
        if (!table.TryGet(Encoding.UTF8.GetBytes(method), out var handler))
        {
            throw new JsonRpcException(JsonRpcErrorCodes.MethodNotFound, $"Method not found: {method}");
        }

        var buffer = new ArrayBufferWriter<byte>();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            await handler(parameters, writer, cancellationToken);
        }

        LastResult = Encoding.UTF8.GetString(buffer.WrittenSpan);
        return buffer.WrittenMemory;
    }
}

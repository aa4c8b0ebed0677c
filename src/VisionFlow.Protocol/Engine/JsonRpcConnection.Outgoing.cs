using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using VisionFlow.Protocol.Messages;

namespace VisionFlow.Protocol.Engine;

/// <summary>
/// What this side sends: requests (the pending-request table, correlation of responses by id, cancellation),
/// notifications and non-JSON-RPC lines.
/// </summary>
public sealed partial class JsonRpcConnection
{
    private readonly Dictionary<long, PendingRequest> _pending = [];

    /// <inheritdoc />
    public ValueTask<TResult> InvokeAsync<TParams, TResult>(
        string method, TParams parameters, JsonTypeInfo<TParams> parametersType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(parametersType);
        ArgumentNullException.ThrowIfNull(resultType);
        return InvokeCoreAsync(method, parameters, parametersType, resultType, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<TResult> InvokeAsync<TResult>(string method, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(resultType);
        return InvokeCoreAsync<byte, TResult>(method, 0, null, resultType, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask NotifyAsync<TParams>(string method, TParams parameters, JsonTypeInfo<TParams> parametersType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(parametersType);
        return SendAsync(new NotificationState<TParams>(method, parameters, parametersType), WriteNotification, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask NotifyAsync(string method, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        return SendAsync(new NotificationState<byte>(method, 0, null), WriteNotification, cancellationToken);
    }

    /// <summary>
    /// Sends a line that is not a JSON-RPC message, e.g. a telemetry push <c>{"type":"agent.status","data":…}</c>
    /// from a server (the simulator) to its clients.
    /// </summary>
    public ValueTask SendLineAsync<T>(T value, JsonTypeInfo<T> valueType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(valueType);
        return SendAsync(new LineState<T>(value, valueType), WriteLine, cancellationToken);
    }

    /// <summary>
    /// Sends pre-rendered, newline-terminated lines as they are (a simulator's telemetry frame: many push lines rendered
    /// once and copied to every subscriber). The memory must stay unchanged until the returned task completes.
    /// </summary>
    /// <exception cref="ArgumentException">The bytes do not end with a newline.</exception>
    public ValueTask SendRawLinesAsync(ReadOnlyMemory<byte> lines, CancellationToken cancellationToken)
    {
        if (lines.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        if (lines.Span[^1] != (byte)'\n')
        {
            throw new ArgumentException("raw lines must end with a newline", nameof(lines));
        }

        return SendAsync(new RawState(lines), WriteRaw, cancellationToken);
    }

    internal void CancelPending(PendingRequest pending, CancellationToken token)
    {
        lock (_pending)
        {
            if (!_pending.Remove(pending.Sequence))
            {
                return;
            }
        }

        Interlocked.Increment(ref _cancelled);
        pending.Fail(new OperationCanceledException($"JSON-RPC request '{pending.Method}' was cancelled", token));
    }

    // Not an async method: the caller awaits the pooled PendingRequest itself, so a round trip builds no state machine,
    // and with many requests in flight only the one being awaited costs a thread-pool hop when its response arrives.
    private ValueTask<TResult> InvokeCoreAsync<TParams, TResult>(
        string method, TParams parameters, JsonTypeInfo<TParams>? parametersType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<TResult>(cancellationToken);
        }

        var pending = PendingRequest<TResult>.Rent(resultType, RequestIds.Next(), method);
        pending.Owner = this;
        lock (_pending)
        {
            if (_closeException is { } closed)
            {
                pending.Discard();
                return ValueTask.FromException<TResult>(closed);
            }

            _pending.Add(pending.Sequence, pending);
        }

        if (cancellationToken.CanBeCanceled)
        {
            pending.Registration = cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var p = (PendingRequest)state!;
                    p.Owner?.CancelPending(p, token);
                },
                pending);
        }

        var send = SendAsync(new RequestState<TParams>(pending.Sequence, method, parameters, parametersType), WriteRequest, cancellationToken);
        if (send.IsCompletedSuccessfully)
        {
            send.GetAwaiter().GetResult();
        }
        else
        {
            _ = FailPendingIfSendFailsAsync(send, pending.Sequence);
        }

        return pending.Task;
    }

    /// <summary>
    /// The send failed or is still waiting (closed, cancelled while waiting to write, params that do not serialize, a slow
    /// flush): fail the request unless a response, cancellation or close already took it.
    /// </summary>
    /// <remarks>
    /// By sequence, not by object: a request cancelled while its send waits for the write lock completes at once, and its
    /// pooled object can already carry the next request by the time this send fails.
    /// </remarks>
    private async Task FailPendingIfSendFailsAsync(ValueTask send, long sequence)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            FailPending(sequence, e);
        }
    }

    private void FailPending(long sequence, Exception exception)
    {
        PendingRequest? pending;
        lock (_pending)
        {
            if (!_pending.Remove(sequence, out pending))
            {
                return;
            }
        }

        if (exception is OperationCanceledException)
        {
            Interlocked.Increment(ref _cancelled);
        }

        pending.Fail(exception);
    }

    private void HandleResponse(in JsonRpcMessage message)
    {
        long sequence;
        var known = message.IdKind switch
        {
            JsonRpcIdKind.Number => (sequence = message.IdNumber) >= 0,
            JsonRpcIdKind.String => RequestIds.TryParse(message.IdIsEscaped ? default : message.IdString, out sequence),
            _ => (sequence = -1) >= 0,
        };

        PendingRequest? pending = null;
        if (known)
        {
            lock (_pending)
            {
                _pending.Remove(sequence, out pending);
            }
        }

        if (pending is null)
        {
            if (message.IdKind == JsonRpcIdKind.Null && message.Kind == JsonRpcMessageKind.ErrorResponse)
            {
                JsonRpcLog.UncorrelatedError(_logger, _name, message.ErrorCode, message.GetErrorMessageString());
            }
            else if (_logger.IsEnabled(LogLevel.Warning))
            {
                JsonRpcLog.UnknownResponseId(_logger, _name, message.GetIdForDisplay());
            }

            Interlocked.Increment(ref _unknownIds);
            return;
        }

        if (message.Kind == JsonRpcMessageKind.SuccessResponse)
        {
            pending.Complete(message.Result);
            return;
        }

        JsonElement? data = null;
        if (!message.ErrorData.IsEmpty)
        {
            var reader = new Utf8JsonReader(message.ErrorData);
            data = JsonElement.ParseValue(ref reader);
        }

        pending.Fail(new JsonRpcException(message.ErrorCode, message.GetErrorMessageString(), data));
    }

    private static void WriteRequest<TParams>(JsonRpcMessageWriter writer, IBufferWriter<byte> output, in RequestState<TParams> state)
    {
        Span<byte> id = stackalloc byte[RequestIds.MaxJsonLength];
        var n = RequestIds.FormatJson(state.Sequence, id);
        if (state.ParametersType is null)
        {
            writer.WriteRequest(output, id[..n], state.Method);
        }
        else
        {
            writer.WriteRequest(output, id[..n], state.Method, state.Parameters, state.ParametersType);
        }
    }

    private static void WriteNotification<TParams>(JsonRpcMessageWriter writer, IBufferWriter<byte> output, in NotificationState<TParams> state)
    {
        if (state.ParametersType is null)
        {
            writer.WriteNotification(output, state.Method);
        }
        else
        {
            writer.WriteNotification(output, state.Method, state.Parameters, state.ParametersType);
        }
    }

    private static void WriteLine<T>(JsonRpcMessageWriter writer, IBufferWriter<byte> output, in LineState<T> state)
        => writer.WriteLine(output, state.Value, state.ValueType);

    private static void WriteRaw(JsonRpcMessageWriter writer, IBufferWriter<byte> output, in RawState state) => output.Write(state.Lines.Span);

    private readonly record struct RawState(ReadOnlyMemory<byte> Lines);

    private readonly record struct RequestState<TParams>(long Sequence, string Method, TParams Parameters, JsonTypeInfo<TParams>? ParametersType);

    private readonly record struct NotificationState<TParams>(string Method, TParams Parameters, JsonTypeInfo<TParams>? ParametersType);

    private readonly record struct LineState<T>(T Value, JsonTypeInfo<T> ValueType);
}

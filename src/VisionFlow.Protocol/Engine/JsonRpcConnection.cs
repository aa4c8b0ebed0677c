using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VisionFlow.Protocol.Dispatch;
using VisionFlow.Protocol.Framing;
using VisionFlow.Protocol.Messages;

namespace VisionFlow.Protocol.Engine;

/// <summary>
/// A JSON-RPC 2.0 peer over newline-delimited JSON: sends requests and notifications (<see cref="IJsonRpcInvoker"/>),
/// correlates responses by id, delivers notifications and telemetry push lines to the sinks in
/// <see cref="JsonRpcConnectionOptions"/>, and answers incoming requests through an optional <see cref="JsonRpcDispatchTable"/>.
/// When the connection ends, for whatever reason, every pending request fails at once with <see cref="JsonRpcConnectionClosedException"/>.
/// </summary>
/// <remarks>
/// Requests inside a received batch are answered one by one, each response on its own line (our own client correlates
/// either way, and it keeps one response path). Incoming requests run concurrently with the read loop, so a slow handler
/// never delays responses to this side's own requests.
/// </remarks>
public sealed class JsonRpcConnection : IJsonRpcInvoker, IAsyncDisposable
{
    private const int ScratchKeepLimit = 1024 * 1024;
    private const int MaxStackMethod = 256;
    private const int PreviewBytes = 200;

    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly IAsyncDisposable? _ownedTransport;
    private readonly LineFramer _framer;
    private readonly JsonRpcMessageWriter _writer = new();

    // Writes are serialized by one SemaphoreSlim rather than a channel: a message is serialized straight into the
    // PipeWriter's memory under the lock (no intermediate buffer or queued message object per send), the uncontended
    // Wait(0) costs no allocation, and the caller learns whether its own flush succeeded.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Dictionary<long, PendingRequest> _pending = [];
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly JsonRpcDispatchTable? _dispatch;
    private readonly JsonRpcNotificationHandler? _onNotification;
    private readonly JsonRpcPushHandler? _onPush;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _name;
    private readonly Task _readLoop;

    private JsonRpcConnectionClosedException? _closeException;
    private byte[]? _lineScratch;
    private long _messagesIn, _messagesOut, _requestsIn, _notificationsIn, _pushLinesIn, _invalid, _unknownIds, _oversize, _cancelled;
    private long _lastMessageTicks = long.MinValue;
    private long _bannersLogged;

    /// <summary>Starts a connection over <paramref name="transport"/>; the caller keeps ownership of the transport's resources.</summary>
    public JsonRpcConnection(IDuplexPipe transport, JsonRpcConnectionOptions? options = null)
        : this(transport, options, ownedTransport: null)
    {
    }

    private JsonRpcConnection(IDuplexPipe transport, JsonRpcConnectionOptions? options, IAsyncDisposable? ownedTransport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        options ??= new JsonRpcConnectionOptions();
        _input = transport.Input;
        _output = transport.Output;
        _ownedTransport = ownedTransport;
        _framer = new LineFramer(options.MaxLineLength);
        _dispatch = options.Dispatch;
        _onNotification = options.OnNotification;
        _onPush = options.OnPush;
        _logger = options.Logger ?? NullLogger.Instance;
        _time = options.TimeProvider ?? TimeProvider.System;
        _name = options.Name;
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>Starts a connection over a connected socket, which it owns from now on (disposing the connection closes it).</summary>
    public static JsonRpcConnection Create(Socket socket, JsonRpcConnectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        socket.NoDelay = true;
        var pipe = new SocketDuplexPipe(socket);
        return new JsonRpcConnection(pipe, options, pipe);
    }

    /// <summary>Connects a TCP socket to <paramref name="endPoint"/> and starts a connection over it.</summary>
    public static async ValueTask<JsonRpcConnection> ConnectAsync(EndPoint endPoint, JsonRpcConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var socket = endPoint.AddressFamily == AddressFamily.InterNetwork
            ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return Create(socket, options);
    }

    /// <summary>The random prefix of this process's request ids.</summary>
    public static string RequestIdPrefix => RequestIds.ProcessPrefix;

    /// <summary>True until the connection starts closing.</summary>
    public bool IsConnected => Volatile.Read(ref _closeException) is null;

    /// <summary>Why the connection closed, or null while it is open.</summary>
    public JsonRpcCloseReason? CloseReason => Volatile.Read(ref _closeException)?.Reason;

    /// <summary>The exception pending requests failed with (reason and detail), or null while open.</summary>
    public JsonRpcConnectionClosedException? CloseException => Volatile.Read(ref _closeException);

    /// <summary>Completes (never faults) once the connection has closed; read <see cref="CloseException"/> for why.</summary>
    public Task Completion => _closed.Task;

    /// <summary>A consistent-enough snapshot of the counters; cheap, lock-free except for the pending count.</summary>
    public JsonRpcConnectionCounters Counters
    {
        get
        {
            int pending;
            lock (_pending)
            {
                pending = _pending.Count;
            }

            var ticks = Interlocked.Read(ref _lastMessageTicks);
            return new JsonRpcConnectionCounters(
                Interlocked.Read(ref _messagesIn),
                Interlocked.Read(ref _messagesOut),
                Interlocked.Read(ref _requestsIn),
                Interlocked.Read(ref _notificationsIn),
                Interlocked.Read(ref _pushLinesIn),
                _framer.BannerLinesSkipped,
                Interlocked.Read(ref _invalid),
                Interlocked.Read(ref _unknownIds),
                Interlocked.Read(ref _oversize),
                Interlocked.Read(ref _cancelled),
                pending,
                ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero),
                (_ownedTransport as SocketDuplexPipe)?.Sends ?? 0);
        }
    }

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

    /// <summary>Closes the connection: pending requests fail with <see cref="JsonRpcCloseReason.Disposed"/>, the transport is released.</summary>
    public async ValueTask DisposeAsync()
    {
        BeginClose(JsonRpcCloseReason.Disposed, "the connection was disposed", null);
        await _readLoop.ConfigureAwait(false);
        await _closed.Task.ConfigureAwait(false);
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

    // The uncontended send (the common case) writes and flushes under the lock and returns a completed ValueTask: over a
    // socket the flush only hands the bytes to the send loop (see SocketDuplexPipe), so it completes at once unless the
    // peer is behind. Failures come back as a faulted ValueTask, never as a synchronous throw, so every caller sees them
    // the same way.
    private ValueTask SendAsync<TState>(TState state, WriteAction<TState> write, CancellationToken cancellationToken)
    {
        if (!_writeLock.Wait(0))
        {
            return SendContendedAsync(state, write, cancellationToken);
        }

        ValueTask<FlushResult> flush;
        try
        {
            flush = WriteLocked(in state, write);
        }
        catch (Exception e)
        {
            _writeLock.Release();
            return ValueTask.FromException(e);
        }

        if (!flush.IsCompleted)
        {
            return AwaitFlushAsync(flush);
        }

        try
        {
            EndFlush(flush);
            return ValueTask.CompletedTask;
        }
        catch (Exception e)
        {
            return ValueTask.FromException(e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendContendedAsync<TState>(TState state, WriteAction<TState> write, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        ValueTask<FlushResult> flush;
        try
        {
            flush = WriteLocked(in state, write);
        }
        catch
        {
            _writeLock.Release();
            throw;
        }

        await AwaitFlushAsync(flush).ConfigureAwait(false);
    }

    /// <summary>Completes a flush that went async (a peer reading slower than we write), then releases the write lock the caller took.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            FlushResult result;
            try
            {
                result = await flush.ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransportFailure(e))
            {
                throw TransportFailed(e);
            }

            CheckFlushResult(result);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Serializes one message into the pipe and starts its flush; the write lock is held by the caller.</summary>
    private ValueTask<FlushResult> WriteLocked<TState>(in TState state, WriteAction<TState> write)
    {
        if (Volatile.Read(ref _closeException) is { } closed)
        {
            throw closed;
        }

        try
        {
            write(_writer, _output, in state);
        }
        catch
        {
            // Serialization failed part-way: terminate what reached the pipe so the peer sees one bad line, not a split stream.
            LineWriter.WriteTerminator(_output);
            throw;
        }

        try
        {
            return _output.FlushAsync(CancellationToken.None);
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            throw TransportFailed(e);
        }
    }

    /// <summary>Reads the result of a flush that already completed.</summary>
    private void EndFlush(ValueTask<FlushResult> flush)
    {
        FlushResult result;
        try
        {
            result = flush.GetAwaiter().GetResult();
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            throw TransportFailed(e);
        }

        CheckFlushResult(result);
    }

    private void CheckFlushResult(FlushResult result)
    {
        if (result.IsCanceled || result.IsCompleted)
        {
            BeginClose(JsonRpcCloseReason.TransportError, "the transport stopped accepting writes", null);
            throw _closeException!;
        }

        Interlocked.Increment(ref _messagesOut);
    }

    private static bool IsTransportFailure(Exception e) => e is IOException or SocketException or ObjectDisposedException or InvalidOperationException;

    private JsonRpcConnectionClosedException TransportFailed(Exception e)
    {
        BeginClose(JsonRpcCloseReason.TransportError, "writing to the transport failed: " + e.Message, e);
        return _closeException!;
    }

    private async Task ReadLoopAsync()
    {
        var reason = JsonRpcCloseReason.PeerClosed;
        var detail = "the peer closed the connection (end of stream)";
        Exception? cause = null;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled || !IsConnected)
                {
                    break;
                }

                var buffer = result.Buffer;
                if (!ProcessBuffer(ref buffer, result.IsCompleted))
                {
                    Interlocked.Increment(ref _oversize);
                    reason = JsonRpcCloseReason.LineTooLong;
                    detail = $"the peer sent a line longer than the maximum of {_framer.MaxLineLength} bytes";
                    break;
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e)
        {
            // Whatever ends the loop, it must end in BeginClose: a pending request must never wait forever.
            reason = JsonRpcCloseReason.TransportError;
            detail = "reading from the transport failed: " + e.Message;
            cause = e;
        }

        BeginClose(reason, detail, cause);
        await ShutdownAsync().ConfigureAwait(false);
    }

    /// <summary>Handles every complete line in <paramref name="buffer"/>; false when a line is over the limit.</summary>
    private bool ProcessBuffer(ref ReadOnlySequence<byte> buffer, bool isCompleted)
    {
        var bannersBefore = _framer.BannerLinesSkipped;
        try
        {
            while (IsConnected)
            {
                var status = _framer.TryReadLine(ref buffer, isCompleted, out var line);
                if (status == LineStatus.NeedMoreData)
                {
                    return true;
                }

                if (status == LineStatus.LineTooLong)
                {
                    return false;
                }

                HandleLine(line);
            }

            return true;
        }
        finally
        {
            var banners = _framer.BannerLinesSkipped;
            if (banners != bannersBefore && _bannersLogged++ < 16)
            {
                // Debug-level and capped: a chatty server must not flood the log.
                JsonRpcLog.BannerSkipped(_logger, _name, banners);
            }

            if (_lineScratch is { Length: > ScratchKeepLimit } big)
            {
                _lineScratch = null;
                ArrayPool<byte>.Shared.Return(big);
            }
        }
    }

    private void HandleLine(in ReadOnlySequence<byte> line)
    {
        ReadOnlySpan<byte> json;
        if (line.IsSingleSegment)
        {
            json = line.FirstSpan;
        }
        else
        {
            var length = (int)line.Length;
            if (_lineScratch is null || _lineScratch.Length < length)
            {
                if (_lineScratch is not null)
                {
                    ArrayPool<byte>.Shared.Return(_lineScratch);
                }

                _lineScratch = ArrayPool<byte>.Shared.Rent(length);
            }

            line.CopyTo(_lineScratch);
            json = _lineScratch.AsSpan(0, length);
        }

        Interlocked.Exchange(ref _lastMessageTicks, _time.GetUtcNow().UtcTicks);
        HandleMessage(json, allowBatch: true);
    }

    private void HandleMessage(ReadOnlySpan<byte> json, bool allowBatch)
    {
        Interlocked.Increment(ref _messagesIn);
        var message = JsonRpcMessage.Parse(json);
        switch (message.Kind)
        {
            case JsonRpcMessageKind.SuccessResponse:
            case JsonRpcMessageKind.ErrorResponse:
                HandleResponse(in message);
                break;
            case JsonRpcMessageKind.Notification:
                Interlocked.Increment(ref _notificationsIn);
                HandleNotification(in message);
                break;
            case JsonRpcMessageKind.Push:
                Interlocked.Increment(ref _pushLinesIn);
                HandlePush(json);
                break;
            case JsonRpcMessageKind.Request:
                Interlocked.Increment(ref _requestsIn);
                HandleRequest(in message);
                break;
            case JsonRpcMessageKind.Batch when allowBatch:
                Interlocked.Decrement(ref _messagesIn);
                var batch = new JsonRpcBatchReader(json);
                while (batch.TryReadNext(out var element))
                {
                    HandleMessage(element, allowBatch: false);
                }

                break;
            default:
                ReportInvalid(json, message.Kind == JsonRpcMessageKind.Batch ? JsonRpcMessageError.NotAnObject : message.Error);
                AnswerInvalidRequest(in message);
                break;
        }
    }

    private void ReportInvalid(ReadOnlySpan<byte> json, JsonRpcMessageError error)
    {
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            JsonRpcLog.InvalidMessage(_logger, _name, error, Preview(json));
        }

        Interlocked.Increment(ref _invalid);
    }

    /// <summary>A malformed request that still has a usable id gets an error reply, so its sender does not wait forever.</summary>
    private void AnswerInvalidRequest(in JsonRpcMessage message)
    {
        if (message.IdKind is not (JsonRpcIdKind.String or JsonRpcIdKind.Number))
        {
            return;
        }

        var (code, text) = message.Error switch
        {
            JsonRpcMessageError.InvalidParams => (JsonRpcErrorCodes.InvalidParams, "Invalid params: params must be an object or an array"),
            JsonRpcMessageError.InvalidMethod => (JsonRpcErrorCodes.InvalidRequest, "Invalid Request: method must be a string"),
            _ => (0, string.Empty),
        };
        if (code != 0)
        {
            _ = RespondErrorAsync(message.IdJson.ToArray(), code, text, "(invalid request)");
        }
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

    private void HandleNotification(in JsonRpcMessage message)
    {
        if (_onNotification is null)
        {
            return;
        }

        var length = message.Method.Length;
        Span<byte> method = length <= MaxStackMethod ? stackalloc byte[MaxStackMethod] : new byte[length];
        var written = message.CopyMethod(method);
        try
        {
            _onNotification(method[..written], message.Params);
        }
        catch (Exception e)
        {
            JsonRpcLog.CallbackFailed(_logger, _name, "notification", e);
        }
    }

    private void HandlePush(ReadOnlySpan<byte> json)
    {
        if (_onPush is null)
        {
            return;
        }

        try
        {
            _onPush(json);
        }
        catch (Exception e)
        {
            JsonRpcLog.CallbackFailed(_logger, _name, "push", e);
        }
    }

    private void HandleRequest(in JsonRpcMessage message)
    {
        var length = message.Method.Length;
        Span<byte> method = length <= MaxStackMethod ? stackalloc byte[MaxStackMethod] : new byte[length];
        var written = message.CopyMethod(method);
        JsonRpcHandler? handler = null;
        if (_dispatch is null || !_dispatch.TryGet(method[..written], out handler))
        {
            var name = Encoding.UTF8.GetString(method[..written]);
            JsonRpcLog.MethodNotFound(_logger, _name, name);
            _ = RespondErrorAsync(message.IdJson.ToArray(), JsonRpcErrorCodes.MethodNotFound, $"Method not found: {name}", name);
            return;
        }

        // The handler runs asynchronously, so id, params and method name outlive this line's buffer: copy them into one pooled array.
        var id = message.IdJson;
        var parameters = message.Params;
        var buffer = ArrayPool<byte>.Shared.Rent(id.Length + parameters.Length + written);
        id.CopyTo(buffer);
        parameters.CopyTo(buffer.AsSpan(id.Length));
        method[..written].CopyTo(buffer.AsSpan(id.Length + parameters.Length));
        _ = RunHandlerAsync(handler, new RequestCopy(buffer, id.Length, parameters.Length, written));
    }

    private async Task RunHandlerAsync(JsonRpcHandler handler, RequestCopy request)
    {
        var scratch = HandlerScratch.Rent();
        try
        {
            var succeeded = false;
            int code;
            string message;
            JsonElement? data = null;
            try
            {
                await handler(request.Parameters, scratch.Writer, _lifetime.Token).ConfigureAwait(false);
                scratch.Writer.Flush();
                (succeeded, code, message) = (true, 0, string.Empty);
            }
            catch (JsonRpcException e)
            {
                (code, message, data) = (e.Code, e.Message, e.ErrorData);
            }
            catch (JsonException e)
            {
                (code, message) = (JsonRpcErrorCodes.InvalidParams, "Invalid params: " + e.Message);
            }
            catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                JsonRpcLog.HandlerFailed(_logger, _name, request.GetMethod(), e);
                (code, message) = (JsonRpcErrorCodes.InternalError, "Internal error: " + e.Message);
            }

            if (succeeded)
            {
                try
                {
                    await SendAsync(new ResultState(request.Buffer, request.IdLength, scratch.Output.WrittenMemory), WriteResult, CancellationToken.None).ConfigureAwait(false);
                    return;
                }
                catch (JsonException e)
                {
                    // The handler wrote an incomplete value (e.g. an unclosed object): answer anyway so the caller does not wait.
                    JsonRpcLog.HandlerFailed(_logger, _name, request.GetMethod(), e);
                    (code, message) = (JsonRpcErrorCodes.InternalError, "Internal error: the handler's result is not valid JSON");
                }
            }

            await SendAsync(new ErrorState(request.Buffer, request.IdLength, code, message, data), WriteError, CancellationToken.None).ConfigureAwait(false);
        }
        catch (JsonRpcConnectionClosedException)
        {
            // The connection closed while the handler ran: there is no one left to answer.
        }
        catch (Exception e)
        {
            // The response could not be written: the connection is closing (or a result that is not JSON); never crash.
            JsonRpcLog.ResponseFailed(_logger, _name, request.GetMethod(), e);
        }
        finally
        {
            scratch.Return();
            ArrayPool<byte>.Shared.Return(request.Buffer);
        }
    }

    private async Task RespondErrorAsync(byte[] id, int code, string message, string method)
    {
        try
        {
            await SendAsync(new ErrorState(id, id.Length, code, message, null), WriteError, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            JsonRpcLog.ResponseFailed(_logger, _name, method, e);
        }
    }

    private void BeginClose(JsonRpcCloseReason reason, string detail, Exception? cause)
    {
        var exception = new JsonRpcConnectionClosedException(reason, $"JSON-RPC connection '{_name}' closed ({reason}): {detail}", cause);
        PendingRequest[] orphans;
        lock (_pending)
        {
            if (_closeException is not null)
            {
                return;
            }

            // Once set under the lock, no request can join the table, so the snapshot below is complete.
            Volatile.Write(ref _closeException, exception);
            orphans = [.. _pending.Values];
            _pending.Clear();
        }

        // Logged before anyone is failed, so whoever observes the failure also finds the reason in the log.
        JsonRpcLog.Closed(_logger, _name, reason, detail);
        foreach (var pending in orphans)
        {
            pending.Fail(exception);
        }
        try
        {
            _input.CancelPendingRead();
            _output.CancelPendingFlush();
        }
        catch (ObjectDisposedException)
        {
            // Stream-backed pipes recycle their internal token source when an operation ends, and a cancel racing that
            // throws. Closing the transport ends a pending read or flush just as surely.
            _ = _ownedTransport is SocketDuplexPipe socket ? socket.CloseAsync(drain: false) : _ownedTransport?.DisposeAsync();
        }

        try
        {
            _lifetime.Cancel();
        }
        catch (AggregateException e)
        {
            JsonRpcLog.CallbackFailed(_logger, _name, "cancellation", e);
        }
    }

    private async Task ShutdownAsync()
    {
        try
        {
            await _input.CompleteAsync().ConfigureAwait(false);

            // A writer stuck on a peer that stopped reading was released by BeginClose cancelling its flush.
            await _writeLock.WaitAsync().ConfigureAwait(false);
            try
            {
                await _output.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or OperationCanceledException)
            {
                // Completing flushes bytes a cancelled write left behind, into a transport that is already gone: nothing to save.
            }
            finally
            {
                _writeLock.Release();
            }

            // After the output is complete, so what was written before a graceful close still goes out; any other close
            // (peer gone, transport error, hostile input) drops the socket at once.
            if (_ownedTransport is SocketDuplexPipe socket)
            {
                await socket.CloseAsync(drain: Volatile.Read(ref _closeException)?.Reason == JsonRpcCloseReason.Disposed).ConfigureAwait(false);
            }
            else if (_ownedTransport is not null)
            {
                await _ownedTransport.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            if (_lineScratch is not null)
            {
                ArrayPool<byte>.Shared.Return(_lineScratch);
                _lineScratch = null;
            }

            _closed.TrySetResult();
        }
    }

    private static string Preview(ReadOnlySpan<byte> json)
        => json.Length <= PreviewBytes ? Encoding.UTF8.GetString(json) : Encoding.UTF8.GetString(json[..PreviewBytes]) + "…";

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

    private static void WriteError(JsonRpcMessageWriter writer, IBufferWriter<byte> output, in ErrorState state)
        => writer.WriteError(output, state.Id.AsSpan(0, state.IdLength), state.Code, state.Message, state.Data);

    private static void WriteResult(JsonRpcMessageWriter writer, IBufferWriter<byte> output, in ResultState state)
        => writer.WriteResponse(output, state.Buffer.AsSpan(0, state.IdLength), state.Result.Span);

    private static void WriteRaw(JsonRpcMessageWriter writer, IBufferWriter<byte> output, in RawState state) => output.Write(state.Lines.Span);

    private readonly record struct RawState(ReadOnlyMemory<byte> Lines);

    private delegate void WriteAction<TState>(JsonRpcMessageWriter writer, IBufferWriter<byte> output, in TState state);

    private readonly record struct RequestState<TParams>(long Sequence, string Method, TParams Parameters, JsonTypeInfo<TParams>? ParametersType);

    private readonly record struct NotificationState<TParams>(string Method, TParams Parameters, JsonTypeInfo<TParams>? ParametersType);

    private readonly record struct LineState<T>(T Value, JsonTypeInfo<T> ValueType);

    private readonly record struct ErrorState(byte[] Id, int IdLength, int Code, string Message, JsonElement? Data);

    /// <summary>An incoming request's id, params and method name copied into one pooled array.</summary>
    private readonly record struct RequestCopy(byte[] Buffer, int IdLength, int ParamsLength, int MethodLength)
    {
        public ReadOnlyMemory<byte> Parameters => Buffer.AsMemory(IdLength, ParamsLength);

        public string GetMethod() => Encoding.UTF8.GetString(Buffer, IdLength + ParamsLength, MethodLength);
    }

    private readonly record struct ResultState(byte[] Buffer, int IdLength, ReadOnlyMemory<byte> Result);
}

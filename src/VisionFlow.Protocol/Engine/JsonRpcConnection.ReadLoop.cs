using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging;
using VisionFlow.Protocol.Framing;
using VisionFlow.Protocol.Messages;

namespace VisionFlow.Protocol.Engine;

/// <summary>
/// The read loop: framed lines from the transport, each classified once and routed to the pending table (responses), the
/// sinks (notifications, push lines), the dispatcher (requests) or the invalid-message count. With a push sink, a line
/// that a byte scan shows to be no JSON-RPC message (<see cref="PushLineScan"/>) goes to it unparsed: the push reader's
/// own pass is the only one such a line gets.
/// </summary>
public sealed partial class JsonRpcConnection
{
    private const int ScratchKeepLimit = 1024 * 1024;
    private const int MaxStackMethod = 256;
    private const int PreviewBytes = 200;

    private readonly PipeReader _input;
    private readonly LineFramer _framer;
    private readonly JsonRpcNotificationHandler? _onNotification;
    private readonly JsonRpcPushHandler? _onPush;
    private readonly Action? _onPushesDelivered;
    private readonly bool _notificationsAsPush;
    private bool _pushedThisRead;
    private bool _stampedThisRead;
    private byte[]? _lineScratch;
    private long _bannersLogged;

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
            _stampedThisRead = false;
            if (_pushedThisRead)
            {
                // Once per transport read, not per line: the sink's reader is woken once for all the lines it brought.
                _pushedThisRead = false;
                PushesDelivered();
            }

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
        if (!_stampedThisRead)
        {
            // Once per transport read, before its first line is handled: the lines of one read arrived together, and
            // reading the clock for each of ~80 telemetry lines was a percent of the service at 10,000 agents.
            _stampedThisRead = true;
            Interlocked.Exchange(ref _lastMessageTicks, _time.GetUtcNow().UtcTicks);
        }

        if (_onPush is not null && PushLineScan.IsPushLine(in line))
        {
            // A push line is its reader's to parse: handed on as the transport's bytes, neither parsed nor copied here.
            Interlocked.Increment(ref _messagesIn);
            Interlocked.Increment(ref _pushLinesIn);
            HandlePush(line);
            return;
        }

        ReadOnlyMemory<byte> json;
        if (line.IsSingleSegment)
        {
            json = line.First;
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
            json = _lineScratch.AsMemory(0, length);
        }

        HandleMessage(json, allowBatch: true);
    }

    private void HandleMessage(ReadOnlyMemory<byte> memory, bool allowBatch)
    {
        Interlocked.Increment(ref _messagesIn);
        var json = memory.Span;
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
                if (_notificationsAsPush && !message.Method.StartsWith("notifications/"u8))
                {
                    HandlePush(new ReadOnlySequence<byte>(memory));
                }

                break;
            case JsonRpcMessageKind.Push:
                Interlocked.Increment(ref _pushLinesIn);
                HandlePush(new ReadOnlySequence<byte>(memory));
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
                    json.Overlaps(element, out var offset);
                    HandleMessage(memory.Slice(offset, element.Length), allowBatch: false);
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

    private void HandlePush(ReadOnlySequence<byte> json)
    {
        if (_onPush is null)
        {
            return;
        }

        _pushedThisRead = true;
        try
        {
            _onPush(json);
        }
        catch (Exception e)
        {
            JsonRpcLog.CallbackFailed(_logger, _name, "push", e);
        }
    }

    private void PushesDelivered()
    {
        try
        {
            _onPushesDelivered?.Invoke();
        }
        catch (Exception e)
        {
            JsonRpcLog.CallbackFailed(_logger, _name, "pushes delivered", e);
        }
    }

    private static string Preview(ReadOnlySpan<byte> json)
        => json.Length <= PreviewBytes ? Encoding.UTF8.GetString(json) : Encoding.UTF8.GetString(json[..PreviewBytes]) + "…";
}

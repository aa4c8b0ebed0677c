using System.Buffers;
using System.Text;
using System.Text.Json;
using VisionFlow.Protocol.Dispatch;
using VisionFlow.Protocol.Messages;

namespace VisionFlow.Protocol.Engine;

/// <summary>
/// The peer's requests: looked up in the dispatch table, run off the read loop, answered with a result or an error
/// (never left unanswered while the connection lives).
/// </summary>
public sealed partial class JsonRpcConnection
{
    private readonly JsonRpcDispatchTable? _dispatch;

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

    private static void WriteError(JsonRpcMessageWriter writer, IBufferWriter<byte> output, in ErrorState state)
        => writer.WriteError(output, state.Id.AsSpan(0, state.IdLength), state.Code, state.Message, state.Data);

    private static void WriteResult(JsonRpcMessageWriter writer, IBufferWriter<byte> output, in ResultState state)
        => writer.WriteResponse(output, state.Buffer.AsSpan(0, state.IdLength), state.Result.Span);

    private readonly record struct ErrorState(byte[] Id, int IdLength, int Code, string Message, JsonElement? Data);

    /// <summary>An incoming request's id, params and method name copied into one pooled array.</summary>
    private readonly record struct RequestCopy(byte[] Buffer, int IdLength, int ParamsLength, int MethodLength)
    {
        public ReadOnlyMemory<byte> Parameters => Buffer.AsMemory(IdLength, ParamsLength);

        public string GetMethod() => Encoding.UTF8.GetString(Buffer, IdLength + ParamsLength, MethodLength);
    }

    private readonly record struct ResultState(byte[] Buffer, int IdLength, ReadOnlyMemory<byte> Result);
}

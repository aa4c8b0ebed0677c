using Microsoft.Extensions.Logging;

namespace VisionFlow.Protocol.Engine;

internal static partial class JsonRpcLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "{Name}: JSON-RPC connection closed ({Reason}): {Detail}")]
    public static partial void Closed(ILogger logger, string name, JsonRpcCloseReason reason, string detail);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "{Name}: invalid JSON-RPC message ignored ({Error}): {Preview}")]
    public static partial void InvalidMessage(ILogger logger, string name, Messages.JsonRpcMessageError error, string preview);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "{Name}: response with unknown id {Id} ignored")]
    public static partial void UnknownResponseId(ILogger logger, string name, string id);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "{Name}: error response without a usable id: {Code} {ErrorMessage}")]
    public static partial void UncorrelatedError(ILogger logger, string name, int code, string errorMessage);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Error, Message = "{Name}: handler for '{Method}' failed")]
    public static partial void HandlerFailed(ILogger logger, string name, string method, Exception exception);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Error, Message = "{Name}: {Sink} callback threw; the message is dropped")]
    public static partial void CallbackFailed(ILogger logger, string name, string sink, Exception exception);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Debug, Message = "{Name}: request for unknown method '{Method}' answered with -32601")]
    public static partial void MethodNotFound(ILogger logger, string name, string method);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Debug, Message = "{Name}: skipped a non-JSON line ({Total} so far)")]
    public static partial void BannerSkipped(ILogger logger, string name, long total);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Warning, Message = "{Name}: could not send the response to a '{Method}' request")]
    public static partial void ResponseFailed(ILogger logger, string name, string method, Exception exception);
}

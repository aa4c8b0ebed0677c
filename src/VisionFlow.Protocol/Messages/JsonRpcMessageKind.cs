namespace VisionFlow.Protocol.Messages;

/// <summary>What one JSON line is.</summary>
internal enum JsonRpcMessageKind
{
    /// <summary>Not a valid JSON-RPC message; <see cref="JsonRpcMessage.Error"/> says why.</summary>
    Invalid,

    /// <summary>A request: method and id.</summary>
    Request,

    /// <summary>A notification: method, no id.</summary>
    Notification,

    /// <summary>A response carrying <c>result</c>.</summary>
    SuccessResponse,

    /// <summary>A response carrying an <c>error</c> object.</summary>
    ErrorResponse,

    /// <summary>A JSON array of messages; read its elements with <see cref="JsonRpcBatchReader"/>.</summary>
    Batch,

    /// <summary>An object without <c>jsonrpc</c> but with a string <c>type</c>: a Claude Flow telemetry push line.</summary>
    Push,
}

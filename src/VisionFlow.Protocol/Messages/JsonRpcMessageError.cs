namespace VisionFlow.Protocol.Messages;

/// <summary>Why a line was classified <see cref="JsonRpcMessageKind.Invalid"/>.</summary>
internal enum JsonRpcMessageError
{
    /// <summary>The message is valid.</summary>
    None,

    /// <summary>The bytes are not well-formed JSON.</summary>
    MalformedJson,

    /// <summary>The JSON value is neither an object nor an array.</summary>
    NotAnObject,

    /// <summary>An object with neither <c>jsonrpc</c> nor a string <c>type</c> member.</summary>
    NotJsonRpc,

    /// <summary><c>jsonrpc</c> is not the string <c>"2.0"</c>.</summary>
    WrongVersion,

    /// <summary><c>method</c> is not a string.</summary>
    InvalidMethod,

    /// <summary><c>id</c> is not a string, an integer or null (or null where a request needs one).</summary>
    InvalidId,

    /// <summary><c>params</c> is neither an object nor an array.</summary>
    InvalidParams,

    /// <summary>A response carries both <c>result</c> and <c>error</c>.</summary>
    ResultAndError,

    /// <summary>A message with neither <c>method</c>, <c>result</c> nor <c>error</c>.</summary>
    NoResultOrError,

    /// <summary>A response without an <c>id</c> member.</summary>
    MissingId,

    /// <summary><c>error</c> is not an object with an integer <c>code</c> and a string <c>message</c>.</summary>
    InvalidErrorObject,

    /// <summary>A request or notification that also carries <c>result</c> or <c>error</c>.</summary>
    MethodWithResult,

    /// <summary>An empty batch <c>[]</c>.</summary>
    EmptyBatch,
}

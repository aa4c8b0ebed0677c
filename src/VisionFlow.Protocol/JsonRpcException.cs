using System.Text.Json;

namespace VisionFlow.Protocol;

/// <summary>A JSON-RPC error object received from (or to be sent to) a peer: code, message and optional data.</summary>
public class JsonRpcException : Exception
{
    /// <summary>Creates an error with the given code and message.</summary>
    public JsonRpcException(int code, string message, JsonElement? data = null)
        : base(message)
    {
        Code = code;
        ErrorData = data;
    }

    /// <summary>Creates an error wrapping a local cause.</summary>
    public JsonRpcException(int code, string message, Exception innerException)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>Creates an internal error.</summary>
    public JsonRpcException()
        : this(JsonRpcErrorCodes.InternalError, "Internal error")
    {
    }

    /// <summary>Creates an internal error with a message.</summary>
    public JsonRpcException(string message)
        : this(JsonRpcErrorCodes.InternalError, message)
    {
    }

    /// <summary>Creates an internal error with a message and cause.</summary>
    public JsonRpcException(string message, Exception innerException)
        : this(JsonRpcErrorCodes.InternalError, message, innerException)
    {
    }

    /// <summary>The JSON-RPC error code.</summary>
    public int Code { get; }

    /// <summary>The error's <c>data</c> member, when the peer sent one (a detached clone).</summary>
    public JsonElement? ErrorData { get; }
}

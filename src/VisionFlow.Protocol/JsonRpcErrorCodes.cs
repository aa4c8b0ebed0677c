namespace VisionFlow.Protocol;

/// <summary>JSON-RPC 2.0 reserved error codes, plus the server-error range used by MCP bridges.</summary>
public static class JsonRpcErrorCodes
{
    /// <summary>Invalid JSON was received.</summary>
    public const int ParseError = -32700;

    /// <summary>The JSON sent is not a valid request object.</summary>
    public const int InvalidRequest = -32600;

    /// <summary>The method does not exist or is not available.</summary>
    public const int MethodNotFound = -32601;

    /// <summary>Invalid method parameters.</summary>
    public const int InvalidParams = -32602;

    /// <summary>Internal JSON-RPC error.</summary>
    public const int InternalError = -32603;

    /// <summary>Implementation-defined server error (authentication failure on the Claude Flow TCP bridge).</summary>
    public const int ServerError = -32000;
}

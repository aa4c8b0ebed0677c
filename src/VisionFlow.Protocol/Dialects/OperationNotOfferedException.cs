namespace VisionFlow.Protocol.Dialects;

/// <summary>The connected server offers no tool or method for an operation (checked against its <c>tools/list</c>).</summary>
public sealed class OperationNotOfferedException : JsonRpcException
{
    /// <summary>Creates the error for <paramref name="operation"/>, naming the tools that would have served it.</summary>
    internal OperationNotOfferedException(SwarmOperation operation, string server, IReadOnlyList<string> candidates)
        : base(JsonRpcErrorCodes.MethodNotFound,
            $"{operation} is not offered by this server ({server}): it has none of the tools {string.Join(", ", candidates)}")
    {
        Operation = operation;
    }

    /// <summary>Creates the error with a message.</summary>
    public OperationNotOfferedException(string message)
        : base(JsonRpcErrorCodes.MethodNotFound, message)
    {
    }

    /// <summary>Creates the error with a message and cause.</summary>
    public OperationNotOfferedException(string message, Exception innerException)
        : base(JsonRpcErrorCodes.MethodNotFound, message, innerException)
    {
    }

    /// <summary>Creates the error.</summary>
    public OperationNotOfferedException()
        : base(JsonRpcErrorCodes.MethodNotFound, "operation not offered by this server")
    {
    }

    /// <summary>The operation that has no tool.</summary>
    internal SwarmOperation? Operation { get; }
}

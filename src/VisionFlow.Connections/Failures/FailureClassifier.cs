using System.Net.Sockets;
using Polly.CircuitBreaker;
using Polly.Timeout;
using VisionFlow.Connections.Pooling;
using VisionFlow.Connections.Transport;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Contracts.Plain;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Connections.Failures;

/// <summary>
/// The one place an exception from the MCP side is given a meaning. Health checks, degradation, the retry and breaker
/// predicates, the link's reconnect decision, polling and the REST error mapping all read <see cref="McpFailure"/>,
/// never an exception's type or message text.
/// </summary>
public static class FailureClassifier
{
    /// <summary>Names <paramref name="exception"/>'s failure; <see cref="McpFailureKind.Unexpected"/> for anything not foreseen.</summary>
    public static McpFailure Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new McpFailure(KindOf(exception), MessageOf(exception));
    }

    /// <summary>Shorthand for the retry and breaker predicates: <see cref="McpFailure.IsTransient"/> of the classification.</summary>
    public static bool IsTransient(Exception exception) => exception is not null && new McpFailure(KindOf(exception), string.Empty).IsTransient;

    /// <summary>Shorthand for the breaker and the request counters: <see cref="McpFailure.IsAnswer"/> of the classification.</summary>
    public static bool IsAnswer(Exception exception) => exception is not null && new McpFailure(KindOf(exception), string.Empty).IsAnswer;

    /// <summary>The snake_case name the API and logs use for a kind.</summary>
    public static string Name(McpFailureKind kind) => kind switch
    {
        McpFailureKind.Refused => "refused",
        McpFailureKind.Timeout => "timeout",
        McpFailureKind.Reset => "reset",
        McpFailureKind.Closed => "closed",
        McpFailureKind.HostNotFound => "dns",
        McpFailureKind.Unreachable => "unreachable",
        McpFailureKind.Authentication => "auth",
        McpFailureKind.Protocol => "protocol",
        McpFailureKind.CircuitOpen => "circuit_open",
        McpFailureKind.PoolExhausted => "pool_exhausted",
        McpFailureKind.LinkDown => "link_down",
        McpFailureKind.NotOffered => "not_offered",
        McpFailureKind.NotFound => "not_found",
        McpFailureKind.InvalidParams => "invalid_params",
        McpFailureKind.Refusal => "refusal",
        McpFailureKind.ServerError => "server_error",
        McpFailureKind.Cancelled => "cancelled",
        _ => "other",
    };

    private static McpFailureKind KindOf(Exception exception) => exception switch
    {
        McpUnavailableException => McpFailureKind.LinkDown,
        McpAuthenticationException => McpFailureKind.Authentication,
        ConnectException connect => connect.Kind switch
        {
            ConnectFailureKind.Refused => McpFailureKind.Refused,
            ConnectFailureKind.Timeout => McpFailureKind.Timeout,
            ConnectFailureKind.HostNotFound => McpFailureKind.HostNotFound,
            ConnectFailureKind.Unreachable => McpFailureKind.Unreachable,
            _ => connect.InnerException is SocketException socket ? OfSocket(socket) : McpFailureKind.Unreachable,
        },
        McpServerStartException => McpFailureKind.Unreachable,
        TimeoutRejectedException or TimeoutException => McpFailureKind.Timeout,
        BrokenCircuitException => McpFailureKind.CircuitOpen,
        PoolExhaustedException => McpFailureKind.PoolExhausted,
        JsonRpcConnectionClosedException closed => closed.Reason switch
        {
            JsonRpcCloseReason.LineTooLong => McpFailureKind.Protocol,
            JsonRpcCloseReason.TransportError when closed.InnerException is { } inner => OfTransport(inner),
            _ => McpFailureKind.Closed,
        },
        SocketException socket => OfSocket(socket),
        IOException io => io.InnerException is { } inner ? OfTransport(inner) : McpFailureKind.Closed,
        OperationNotOfferedException => McpFailureKind.NotOffered,
        ToolFailedException { IsNotFound: true } => McpFailureKind.NotFound,
        ToolFailedException => McpFailureKind.Refusal,
        // The engine wraps a local transport cause (the socket died while sending) in a JSON-RPC error.
        JsonRpcException { InnerException: { } inner } when inner is IOException or SocketException => KindOf(inner),
        JsonRpcException { Code: JsonRpcErrorCodes.MethodNotFound } => McpFailureKind.NotOffered,
        // The codes a plain server names an unknown id with (MCP's own "resource not found" is -32002 too): the call is
        // timed with the same outcome the dialect client reports above it.
        JsonRpcException { Code: PlainErrorCodes.UnknownSwarm or PlainErrorCodes.UnknownAgent or PlainErrorCodes.UnknownTask } => McpFailureKind.NotFound,
        JsonRpcException { Code: JsonRpcErrorCodes.InvalidParams } => McpFailureKind.InvalidParams,
        JsonRpcException => McpFailureKind.ServerError,
        OperationCanceledException => McpFailureKind.Cancelled,
        _ => McpFailureKind.Unexpected,
    };

    private static McpFailureKind OfTransport(Exception inner) => inner switch
    {
        SocketException socket => OfSocket(socket),
        IOException { InnerException: SocketException socket } => OfSocket(socket),
        _ => McpFailureKind.Closed,
    };

    private static McpFailureKind OfSocket(SocketException socket) => socket.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => McpFailureKind.Refused,
        SocketError.TimedOut => McpFailureKind.Timeout,
        SocketError.ConnectionReset or SocketError.ConnectionAborted => McpFailureKind.Reset,
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => McpFailureKind.HostNotFound,
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.NetworkDown => McpFailureKind.Unreachable,
        _ => McpFailureKind.Closed,
    };

    private static string MessageOf(Exception exception)
    {
        // Wrappers say less than what they wrap ("The operation has timed out."), so the innermost useful message wins.
        var message = exception.Message;
        if (exception is TimeoutRejectedException rejected)
        {
            message = $"no answer within {rejected.Timeout.TotalMilliseconds:0} ms";
        }

        return string.IsNullOrWhiteSpace(message) ? exception.GetType().Name : message.ReplaceLineEndings(" ");
    }
}

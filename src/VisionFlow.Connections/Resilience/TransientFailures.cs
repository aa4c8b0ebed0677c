using System.Net.Sockets;
using Polly.CircuitBreaker;
using Polly.Timeout;
using VisionFlow.Connections.Pooling;
using VisionFlow.Protocol;

namespace VisionFlow.Connections.Resilience;

/// <summary>Which failures are worth retrying and count against the circuit breaker: transport trouble, never application errors.</summary>
public static class TransientFailures
{
    /// <summary>
    /// True for I/O and socket failures (connect refused/timeout, connection closed or reset), attempt timeouts and pool
    /// exhaustion; false for JSON-RPC errors the server sent (the server answered, so the link is fine and retrying
    /// repeats the same answer), for a breaker rejection, and for caller cancellation.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        null => false,
        OperationCanceledException => false,
        TimeoutRejectedException => true,
        BrokenCircuitException => false,
        PoolExhaustedException => true,
        IOException => true,
        SocketException => true,
        JsonRpcException rpc => rpc.InnerException is { } inner && IsTransient(inner), // a local transport cause wrapped by the engine
        _ => false,
    };
}

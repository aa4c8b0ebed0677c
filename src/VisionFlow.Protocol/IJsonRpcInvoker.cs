using System.Text.Json.Serialization.Metadata;

namespace VisionFlow.Protocol;

/// <summary>
/// Sends JSON-RPC requests and notifications; the one seam between generated clients and a transport.
/// Every value crosses it with its source-generated <see cref="JsonTypeInfo{T}"/>, so no reflection is ever needed.
/// </summary>
public interface IJsonRpcInvoker
{
    /// <summary>Sends a request with <paramref name="parameters"/> and awaits its result.</summary>
    /// <exception cref="JsonRpcException">The peer answered with a JSON-RPC error object.</exception>
    ValueTask<TResult> InvokeAsync<TParams, TResult>(
        string method,
        TParams parameters,
        JsonTypeInfo<TParams> parametersType,
        JsonTypeInfo<TResult> resultType,
        CancellationToken cancellationToken);

    /// <summary>Sends a request without parameters and awaits its result.</summary>
    /// <exception cref="JsonRpcException">The peer answered with a JSON-RPC error object.</exception>
    ValueTask<TResult> InvokeAsync<TResult>(
        string method,
        JsonTypeInfo<TResult> resultType,
        CancellationToken cancellationToken);

    /// <summary>Sends a notification with <paramref name="parameters"/>; no response is expected.</summary>
    ValueTask NotifyAsync<TParams>(
        string method,
        TParams parameters,
        JsonTypeInfo<TParams> parametersType,
        CancellationToken cancellationToken);

    /// <summary>Sends a notification without parameters.</summary>
    ValueTask NotifyAsync(string method, CancellationToken cancellationToken);
}

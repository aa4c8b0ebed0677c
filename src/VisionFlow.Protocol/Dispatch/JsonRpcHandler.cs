using System.Text.Json;

namespace VisionFlow.Protocol.Dispatch;

/// <summary>
/// Server-side handler for one JSON-RPC method. It receives the raw UTF-8 JSON of <c>params</c> (empty when absent),
/// runs the method, and only after it succeeded writes the result value to <paramref name="result"/>.
/// Throwing <see cref="JsonRpcException"/> produces that error object; any other exception is an internal error.
/// </summary>
public delegate ValueTask JsonRpcHandler(ReadOnlyMemory<byte> parameters, Utf8JsonWriter result, CancellationToken cancellationToken);

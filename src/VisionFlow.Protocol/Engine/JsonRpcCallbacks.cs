namespace VisionFlow.Protocol.Engine;

/// <summary>
/// Receives a notification from the peer on the connection's read loop. Both spans are valid only during the call:
/// copy what you keep, and return quickly (hand heavy work to a channel).
/// </summary>
/// <param name="method">The decoded UTF-8 method name.</param>
/// <param name="parameters">The raw JSON of <c>params</c>; empty when absent.</param>
internal delegate void JsonRpcNotificationHandler(ReadOnlySpan<byte> method, ReadOnlySpan<byte> parameters);

/// <summary>
/// Receives a non-JSON-RPC push line (<c>{"type":"agent.status","data":{…},"timestamp":"…"}</c>) as raw UTF-8, on the
/// read loop; valid only during the call.
/// </summary>
public delegate void JsonRpcPushHandler(ReadOnlySpan<byte> line);

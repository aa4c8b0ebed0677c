using System.Buffers;

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
/// read loop; valid only during the call. The bytes are the transport's own buffers, unparsed and uncopied (a line that
/// arrived across buffer segments comes in several): the receiver validates it, and copies it at most once if it keeps it.
/// </summary>
public delegate void JsonRpcPushHandler(ReadOnlySequence<byte> line);

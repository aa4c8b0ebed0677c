using VisionFlow.Protocol.Engine;

namespace VisionFlow.Connections.Transport;

/// <summary>
/// How bytes reach an MCP server, kept apart from what they say (Kestrel's split of transport and protocol): a transport
/// opens one connection and starts a JSON-RPC peer over it; the handshake, the session and the pool above it are the same
/// whichever transport carries them.
/// </summary>
internal interface IMcpTransport
{
    /// <summary>The server as people are told it: <c>host:port</c>, or the command that starts it.</summary>
    string Address { get; }

    /// <summary>OpenTelemetry's <c>network.transport</c> for calls over it: <c>tcp</c> or <c>pipe</c>.</summary>
    string NetworkTransport { get; }

    /// <summary>
    /// True when one connection carries the session and every request, multiplexed by request id (a child process over
    /// stdio is one server with one pair of pipes: a second connection would be a second server).
    /// </summary>
    bool Multiplexed { get; }

    /// <summary>
    /// True when connections may reach the server through Claude Flow's TCP bridge, which asks for <c>MCP_API_KEY</c> in
    /// an <c>authenticate</c> request first; a server started over stdio has no bridge in front of it.
    /// </summary>
    bool ViaBridge { get; }

    /// <summary>Opens a connection and starts a JSON-RPC peer over it, which owns it from then on.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask<JsonRpcConnection> ConnectAsync(JsonRpcConnectionOptions options, CancellationToken cancellationToken);
}

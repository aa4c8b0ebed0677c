using VisionFlow.Connections.Pooling;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Connections.Link;

/// <summary>
/// One pooled MCP connection: a JSON-RPC peer over TCP and the dialect client for it, made once. Its borrow check is the
/// engine's close state and the session it was made in, not a ping: a ping per borrow would double every request's round
/// trips, the health checker already pings, and a connection from an earlier session (to a peer that has since hung or
/// restarted) must never carry a new session's calls.
/// </summary>
internal sealed class McpConnection(JsonRpcConnection rpc, ISwarmClient client, long session, Func<long> currentSession) : IPooledConnection
{
    public JsonRpcConnection Rpc { get; } = rpc;

    public ISwarmClient Client { get; } = client;

    public bool IsAlive => Rpc.IsConnected && currentSession() == session;

    public ValueTask<bool> CheckHealthAsync(CancellationToken cancellationToken) => ValueTask.FromResult(IsAlive);

    public ValueTask DisposeAsync() => Rpc.DisposeAsync();
}

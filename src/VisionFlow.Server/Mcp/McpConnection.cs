using VisionFlow.Connections.Pooling;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Server.Mcp;

/// <summary>
/// One pooled MCP connection: a JSON-RPC peer over TCP. Its borrow/return health check is the engine's own close state,
/// not a ping: a ping per borrow would double every request's round trips, and the health checker already pings the
/// server on its interval. A connection that dies mid-request fails that request at once and is marked broken.
/// </summary>
internal sealed class McpConnection(JsonRpcConnection rpc) : IPooledConnection
{
    public JsonRpcConnection Rpc { get; } = rpc;

    public bool IsAlive => Rpc.IsConnected;

    public ValueTask<bool> CheckHealthAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Rpc.IsConnected);

    public ValueTask DisposeAsync() => Rpc.DisposeAsync();
}

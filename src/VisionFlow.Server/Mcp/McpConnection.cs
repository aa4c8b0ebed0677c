using VisionFlow.Connections.Pooling;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Server.Mcp;

/// <summary>One pooled MCP connection: a JSON-RPC peer over TCP whose liveness is the engine's own close state.</summary>
internal sealed class McpConnection(JsonRpcConnection rpc, Func<JsonRpcConnection, CancellationToken, ValueTask> ping) : IPooledConnection
{
    public JsonRpcConnection Rpc { get; } = rpc;

    public bool IsAlive => Rpc.IsConnected;

    public async ValueTask<bool> CheckHealthAsync(CancellationToken cancellationToken)
    {
        if (!Rpc.IsConnected)
        {
            return false;
        }

        try
        {
            await ping(Rpc, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => Rpc.DisposeAsync();
}

using VisionFlow.Connections.Failures;
using VisionFlow.Connections.Pooling;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Connections.Link;

/// <summary>
/// One pooled MCP connection: a JSON-RPC peer and the dialect client for it, made once. Its borrow check is the
/// engine's close state and the session it was made in, not a ping: a ping per borrow would double every request's round
/// trips, the health checker already pings, and a connection from an earlier session (to a peer that has since hung or
/// restarted) must never carry a new session's calls. Over a multiplexed transport it shares the session's own
/// connection, which it does not close.
/// </summary>
internal sealed class McpConnection(JsonRpcConnection rpc, ISwarmClient client, long session, Func<long> currentSession, bool ownsConnection = true) : IPooledConnection
{
    public JsonRpcConnection Rpc { get; } = rpc;

    public ISwarmClient Client { get; } = client;

    public bool IsAlive => Rpc.IsConnected && currentSession() == session;

    public ValueTask<bool> CheckHealthAsync(CancellationToken cancellationToken) => ValueTask.FromResult(IsAlive);

    public ValueTask DisposeAsync() => ownsConnection ? Rpc.DisposeAsync() : default;

    /// <summary>
    /// Runs <paramref name="operation"/> on a connection rented from <paramref name="pool"/>; a failure that proves the
    /// connection gone marks it broken, so it is closed rather than handed out again.
    /// </summary>
    public static async ValueTask<T> RunAsync<T>(ConnectionPool<McpConnection> pool, Func<ISwarmClient, CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
    {
        var lease = await pool.RentAsync(cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            try
            {
                return await operation(lease.Connection.Client, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (FailureClassifier.Classify(ex).LosesLink)
            {
                lease.MarkBroken();
                throw;
            }
        }
    }
}

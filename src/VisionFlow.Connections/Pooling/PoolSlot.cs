namespace VisionFlow.Connections.Pooling;

/// <summary>The pool's bookkeeping for one open connection; reused across leases, so renting allocates nothing.</summary>
internal sealed class PoolSlot<TConnection>(TConnection connection, DateTimeOffset createdAt)
    where TConnection : class, IPooledConnection
{
    public TConnection Connection { get; } = connection;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset LastUsedAt { get; set; } = createdAt;

    /// <summary>Bumped on every return so a stale (already disposed) lease cannot return or mark the slot twice.</summary>
    public int Version;

    /// <summary>Set by the lease holder when the connection failed under it; the pool closes it on return.</summary>
    public volatile bool Broken;
}

namespace VisionFlow.Connections.Pooling;

/// <summary>Exclusive use of one pooled connection until disposed; a struct, so a steady-state rent allocates nothing.</summary>
internal readonly struct PoolLease<TConnection> : IAsyncDisposable, IEquatable<PoolLease<TConnection>>
    where TConnection : class, IPooledConnection
{
    private readonly ConnectionPool<TConnection>? _pool;
    private readonly PoolSlot<TConnection>? _slot;
    private readonly int _version;

    internal PoolLease(ConnectionPool<TConnection> pool, PoolSlot<TConnection> slot, int version)
    {
        _pool = pool;
        _slot = slot;
        _version = version;
    }

    /// <summary>The leased connection.</summary>
    public TConnection Connection => _slot?.Connection ?? throw new InvalidOperationException("Default PoolLease has no connection");

    /// <summary>When the connection was opened.</summary>
    public DateTimeOffset CreatedAt => _slot?.CreatedAt ?? default;

    /// <summary>Tells the pool the connection failed under this lease, so it is closed on return instead of reused.</summary>
    public void MarkBroken()
    {
        if (_slot is not null && Volatile.Read(ref _slot.Version) == _version)
        {
            _slot.Broken = true;
        }
    }

    /// <summary>Returns the connection to the pool (or closes it when broken, dead or expired). Idempotent.</summary>
    public ValueTask DisposeAsync() => _pool is null ? default : _pool.ReturnAsync(_slot!, _version);

    /// <inheritdoc />
    public bool Equals(PoolLease<TConnection> other) => ReferenceEquals(_slot, other._slot) && _version == other._version;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PoolLease<TConnection> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_slot, _version);

    /// <summary>Equality by slot and lease generation.</summary>
    public static bool operator ==(PoolLease<TConnection> left, PoolLease<TConnection> right) => left.Equals(right);

    /// <summary>Inequality by slot and lease generation.</summary>
    public static bool operator !=(PoolLease<TConnection> left, PoolLease<TConnection> right) => !left.Equals(right);
}

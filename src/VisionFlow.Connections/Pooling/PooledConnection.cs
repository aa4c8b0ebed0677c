namespace VisionFlow.Connections.Pooling;

/// <summary>
/// Adapts any connection type to <see cref="IPooledConnection"/> with two delegates, so a type from a lower layer (the
/// engine's JsonRpcConnection in VisionFlow.Protocol, which cannot reference this project) can be pooled unchanged.
/// </summary>
internal sealed class PooledConnection<TInner> : IPooledConnection
    where TInner : IAsyncDisposable
{
    private readonly Func<TInner, bool> _isAlive;
    private readonly Func<TInner, CancellationToken, ValueTask<bool>> _checkHealth;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="checkHealth"/> defaults to <paramref name="isAlive"/>.</summary>
    public PooledConnection(TInner inner, Func<TInner, bool> isAlive, Func<TInner, CancellationToken, ValueTask<bool>>? checkHealth = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(isAlive);
        Inner = inner;
        _isAlive = isAlive;
        _checkHealth = checkHealth ?? ((c, _) => new ValueTask<bool>(isAlive(c)));
    }

    /// <summary>The wrapped connection.</summary>
    public TInner Inner { get; }

    /// <inheritdoc />
    public bool IsAlive => _isAlive(Inner);

    /// <inheritdoc />
    public ValueTask<bool> CheckHealthAsync(CancellationToken cancellationToken) => _checkHealth(Inner, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Inner.DisposeAsync();
}

namespace VisionFlow.Connections.Pooling;

/// <summary>A connection the pool can hand out: it knows whether it is still usable and can prove it.</summary>
/// <remarks>
/// Creation and last-use times are kept by the pool (in its slot), not by the connection, so an engine type only has
/// to answer "are you alive" cheaply and "prove it" on demand.
/// </remarks>
internal interface IPooledConnection : IAsyncDisposable
{
    /// <summary>Cheap, synchronous liveness: false once the transport has closed or faulted.</summary>
    bool IsAlive { get; }

    /// <summary>An active check (for example a ping); completes synchronously when it can.</summary>
    ValueTask<bool> CheckHealthAsync(CancellationToken cancellationToken);
}

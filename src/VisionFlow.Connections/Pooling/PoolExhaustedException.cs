namespace VisionFlow.Connections.Pooling;

/// <summary>Raised when no connection could be leased: the pool is at its maximum and the wait timed out or the wait queue is full.</summary>
internal sealed class PoolExhaustedException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public PoolExhaustedException()
        : this("Connection pool exhausted")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PoolExhaustedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public PoolExhaustedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception describing the pool's state when it gave up.</summary>
    public PoolExhaustedException(int maxConnections, int waiting, TimeSpan waited)
        : this($"Connection pool exhausted: {maxConnections} connections in use, {waiting} callers waiting, gave up after {waited.TotalMilliseconds:0} ms")
    {
        MaxConnections = maxConnections;
        Waiting = waiting;
        Waited = waited;
    }

    /// <summary>The pool's maximum when it gave up.</summary>
    public int MaxConnections { get; }

    /// <summary>Callers queued when it gave up.</summary>
    public int Waiting { get; }

    /// <summary>How long this caller waited.</summary>
    public TimeSpan Waited { get; }
}

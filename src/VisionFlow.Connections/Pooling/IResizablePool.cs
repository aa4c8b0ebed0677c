namespace VisionFlow.Connections.Pooling;

/// <summary>What the adaptive tuner needs from a pool: its size limits and a way to change the maximum.</summary>
internal interface IResizablePool
{
    /// <summary>The current maximum.</summary>
    int MaxConnections { get; }

    /// <summary>The configured maximum at start (what a revert goes back to).</summary>
    int BaselineMaxConnections { get; }

    /// <summary>The ceiling no resize crosses.</summary>
    int HardMaxConnections { get; }

    /// <summary>Sets the maximum, clamped to [max(1, MinConnections), HardMaxConnections]; returns the value applied.</summary>
    int Resize(int maxConnections);

    /// <summary>A reading of the pool's gauges and counters.</summary>
    ConnectionPoolStats GetStats();
}

namespace VisionFlow.Connections.Pooling;

/// <summary>An immutable reading of a pool's gauges and counters.</summary>
internal sealed record ConnectionPoolStats(
    int ActiveConnections,
    int IdleConnections,
    int TotalConnections,
    int MaxConnections,
    int Waiting,
    long Rents,
    long Creations,
    long CreationFailures,
    long Reuses,
    long Exhaustions,
    long HealthCheckFailures,
    long Evictions)
{
    /// <summary>Leased connections over the current maximum, in [0, 1].</summary>
    public double Utilisation => MaxConnections == 0 ? 0 : Math.Min(1.0, (double)ActiveConnections / MaxConnections);

    /// <summary>Share of successful rents served by an existing connection rather than a new one; null before the first rent.</summary>
    public double? ReuseRatio => Rents == 0 ? null : (double)Reuses / Rents;
}

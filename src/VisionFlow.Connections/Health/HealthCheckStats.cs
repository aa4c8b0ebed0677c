namespace VisionFlow.Connections.Health;

/// <summary>An immutable reading of the health checker.</summary>
/// <param name="HealthScore">
/// In [0, 1]: the success rate of the last <c>ScoreWindow</c> checks times a latency factor that is 1 while the average
/// latency is at or under the target and target/average above it (twice the target halves the score). 0 before any check.
/// </param>
internal sealed record HealthCheckStats(
    HealthStatus Status,
    int ConsecutiveSuccesses,
    int ConsecutiveFailures,
    long TotalChecks,
    long SuccessfulChecks,
    long FailedChecks,
    double AverageLatencyMs,
    double LastLatencyMs,
    double HealthScore,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? LastCheckAt,
    string? LastError);

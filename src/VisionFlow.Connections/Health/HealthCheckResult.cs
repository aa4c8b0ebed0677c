namespace VisionFlow.Connections.Health;

/// <summary>The outcome of one ping and the status it led to.</summary>
public sealed record HealthCheckResult(HealthStatus Status, bool Succeeded, TimeSpan Latency, DateTimeOffset Timestamp, string? Error);

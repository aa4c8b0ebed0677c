using VisionFlow.Connections.Degradation;

namespace VisionFlow.Connections.Health;

/// <summary>The outcome of one ping and the status it led to; <paramref name="FailureType"/> classifies a failed ping (null when it passed or says nothing about availability).</summary>
public sealed record HealthCheckResult(HealthStatus Status, bool Succeeded, TimeSpan Latency, DateTimeOffset Timestamp, string? Error, McpFailureType? FailureType = null);

using VisionFlow.Connections.Failures;

namespace VisionFlow.Connections.Health;

/// <summary>One health check: the status after it, whether the ping passed, its latency, and the classified failure when it did not.</summary>
internal sealed record HealthCheckResult(HealthStatus Status, bool Succeeded, TimeSpan Latency, DateTimeOffset Timestamp, McpFailure? Failure = null)
{
    /// <summary>The failure's message, when the ping failed.</summary>
    public string? Error => Failure?.Message;
}

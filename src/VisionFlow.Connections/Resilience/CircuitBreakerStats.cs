using Polly.CircuitBreaker;

namespace VisionFlow.Connections.Resilience;

/// <summary>An immutable reading of the circuit breaker.</summary>
internal sealed record CircuitBreakerStats(
    CircuitState State,
    int ConsecutiveFailures,
    int FailureThreshold,
    long FailureCount,
    long SuccessCount,
    long TripCount,
    long RecoveryCount,
    long RejectedCount,
    DateTimeOffset StateSince,
    TimeSpan TimeInState);

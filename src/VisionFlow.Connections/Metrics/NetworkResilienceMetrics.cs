using Polly.CircuitBreaker;
using VisionFlow.Connections.Adaptive;
using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Health;
using VisionFlow.Connections.Pooling;
using VisionFlow.Connections.Reconnect;
using VisionFlow.Connections.Resilience;

namespace VisionFlow.Connections.Metrics;

/// <summary>
/// One immutable snapshot of every resilience component, read from the live objects at <see cref="CapturedAt"/>: what
/// <c>GET /api/health/network</c> and the Prometheus endpoint render (see <see cref="NetworkResilienceMetricsWriter"/>).
/// </summary>
public sealed record NetworkResilienceMetrics(
    DateTimeOffset CapturedAt,
    CircuitBreakerStats CircuitBreaker,
    RetryStats Retry,
    RequestStats Requests,
    bool RetryEnabled,
    ConnectionPoolStats? ConnectionPool,
    HealthCheckStats? Health,
    DegradationStats Degradation,
    ReconnectStats? Reconnect,
    AdaptiveStats? Adaptive)
{
    /// <summary>Overall: <c>healthy</c>, <c>degraded</c> or <c>unhealthy</c> (open circuit, EmergencyMode or worse, or failing pings).</summary>
    public string Status
    {
        get
        {
            var breakerDown = CircuitBreaker.State is CircuitState.Open or CircuitState.Isolated;
            if (breakerDown || Degradation.Level >= DegradationLevel.EmergencyMode || Health?.Status == HealthStatus.Unhealthy)
            {
                return "unhealthy";
            }

            return CircuitBreaker.State == CircuitState.HalfOpen
                || Degradation.Level != DegradationLevel.FullyOperational
                || Health?.Status == HealthStatus.Degraded
                || Reconnect?.State is ReconnectState.Reconnecting or ReconnectState.Probing
                ? "degraded"
                : "healthy";
        }
    }

    /// <summary>The MCP link: <c>reconnecting</c>, <c>disconnected</c> (circuit open or pings failing), <c>connecting</c> (nothing has succeeded yet) or <c>connected</c>.</summary>
    public string ConnectionStatus =>
        Reconnect?.State is ReconnectState.Reconnecting or ReconnectState.Probing ? "reconnecting"
        : CircuitBreaker.State is CircuitState.Open or CircuitState.Isolated || Health?.Status == HealthStatus.Unhealthy ? "disconnected"
        : LastSuccessfulRequest is null ? "connecting"
        : "connected";

    /// <summary><c>closed</c>, <c>open</c>, <c>half_open</c> or <c>isolated</c>.</summary>
    public string CircuitBreakerState => StateName(CircuitBreaker.State);

    /// <summary>The health checker's score in [0, 1] (see <see cref="HealthCheckStats"/>); without a checker, the call success rate.</summary>
    public double HealthScore => Health?.HealthScore
        ?? (Requests.TotalRequests == 0 ? 0 : (double)Requests.SuccessfulRequests / Requests.TotalRequests);

    /// <summary>The later of the last successful call and the last passed ping.</summary>
    public DateTimeOffset? LastSuccessfulRequest
    {
        get
        {
            var a = Requests.LastSuccessfulRequest;
            var b = Health?.LastSuccessAt;
            return a is null ? b : b is null ? a : (a > b ? a : b);
        }
    }

    /// <summary>Mean response time: of calls when there were any, else the ping moving average.</summary>
    public double AverageResponseTimeMs => Requests.SuccessfulRequests > 0 ? Requests.AverageResponseTimeMs : Health?.AverageLatencyMs ?? 0;

    /// <summary>Reads every component now.</summary>
    public static NetworkResilienceMetrics Capture(
        McpResilience resilience,
        GracefulDegradationManager degradation,
        IResizablePool? pool = null,
        McpHealthChecker? health = null,
        ReconnectSupervisor? reconnect = null,
        AdaptiveTuner? adaptive = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(resilience);
        ArgumentNullException.ThrowIfNull(degradation);
        return new NetworkResilienceMetrics(
            (timeProvider ?? TimeProvider.System).GetUtcNow(),
            resilience.CircuitBreaker.GetStats(),
            resilience.GetRetryStats(),
            resilience.GetRequestStats(),
            resilience.Options.MaxAttempts > 1,
            pool?.GetStats(),
            health?.GetStats(),
            degradation.GetStats(),
            reconnect?.GetStats(),
            adaptive?.GetStats());
    }

    /// <summary>snake_case name of a circuit state.</summary>
    public static string StateName(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half_open",
        CircuitState.Isolated => "isolated",
        _ => "unknown",
    };
}

using Polly.CircuitBreaker;
using VisionFlow.Connections.Adaptive;
using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Health;
using VisionFlow.Connections.Link;
using VisionFlow.Connections.Pooling;
using VisionFlow.Connections.Resilience;

namespace VisionFlow.Connections.Metrics;

/// <summary>
/// One immutable snapshot of every resilience component, read from the live objects at <see cref="CapturedAt"/>: what
/// <c>GET /api/health/network</c> renders (see <see cref="NetworkResilienceMetricsWriter"/>) and the instruments derive
/// their health score and response time from (see <see cref="McpLinkInstruments"/>).
/// </summary>
internal sealed record NetworkResilienceMetrics(
    DateTimeOffset CapturedAt,
    CircuitBreakerStats CircuitBreaker,
    RetryStats Retry,
    RequestStats Requests,
    bool RetryEnabled,
    ConnectionPoolStats? ConnectionPool,
    HealthCheckStats? Health,
    DegradationStats Degradation,
    McpLinkStatus Link,
    McpLinkStats LinkStats,
    AdaptiveStats? Adaptive)
{
    /// <summary>Whether MCP is switched off (<c>ENABLE_MCP=false</c>): then nothing below is running.</summary>
    public bool Disabled => Link.State == McpLinkState.Disabled;

    /// <summary>
    /// Overall: <c>disabled</c>; <c>unhealthy</c> (link down, open circuit, EmergencyMode or worse, or failing pings);
    /// <c>degraded</c>; or <c>healthy</c>.
    /// </summary>
    public string Status
    {
        get
        {
            if (Disabled)
            {
                return "disabled";
            }

            var breakerDown = CircuitBreaker.State is CircuitState.Open or CircuitState.Isolated;
            if (Link.State != McpLinkState.Connected || breakerDown || Degradation.Level >= DegradationLevel.EmergencyMode
                || Health?.Status == HealthStatus.Unhealthy)
            {
                return "unhealthy";
            }

            return CircuitBreaker.State == CircuitState.HalfOpen
                || Degradation.Level != DegradationLevel.FullyOperational
                || Health?.Status == HealthStatus.Degraded
                ? "degraded"
                : "healthy";
        }
    }

    /// <summary>The link as it is: <c>disabled</c>, <c>connecting</c>, <c>connected</c>, <c>reconnecting</c> or <c>unavailable</c>.</summary>
    public string ConnectionStatus => Link.StateName;

    /// <summary><c>closed</c>, <c>open</c>, <c>half_open</c> or <c>isolated</c>; <c>disabled</c> when MCP is off.</summary>
    public string CircuitBreakerState => Disabled ? "disabled" : StateName(CircuitBreaker.State);

    /// <summary>The health checker's score in [0, 1] (see <see cref="HealthCheckStats"/>); null while unknown (no check yet, or disabled).</summary>
    public double? HealthScore => Health is { TotalChecks: > 0 } h ? h.HealthScore : null;

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

    /// <summary>Mean response time: of calls when there were any, else the ping moving average; null when nothing has answered yet.</summary>
    public double? AverageResponseTimeMs => Requests.SuccessfulRequests > 0 ? Requests.AverageResponseTimeMs
        : Health is { SuccessfulChecks: > 0 } h ? h.AverageLatencyMs : null;

    /// <summary>Reads every component of <paramref name="link"/> now.</summary>
    public static NetworkResilienceMetrics Capture(McpLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        return Capture(link.Status, link.Stats, link.Resilience, link.Degradation, link.Pool, link.Health, link.Adaptive, link.Time);
    }

    /// <summary>Reads the given components now (the link's, or a test's own).</summary>
    public static NetworkResilienceMetrics Capture(
        McpLinkStatus link,
        McpLinkStats linkStats,
        McpResilience resilience,
        GracefulDegradationManager degradation,
        IResizablePool? pool = null,
        McpHealthChecker? health = null,
        AdaptiveTuner? adaptive = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(linkStats);
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
            link,
            linkStats,
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

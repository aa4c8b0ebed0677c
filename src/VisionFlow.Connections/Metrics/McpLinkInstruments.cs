using System.Diagnostics.Metrics;
using Polly.CircuitBreaker;
using VisionFlow.Connections.Adaptive;
using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Diagnostics;
using VisionFlow.Connections.Health;
using VisionFlow.Connections.Link;
using VisionFlow.Connections.Pooling;
using VisionFlow.Connections.Resilience;

namespace VisionFlow.Connections.Metrics;

/// <summary>
/// The instruments of the MCP link on the <see cref="ConnectionsTelemetry.MeterName"/> meter. Everything the components
/// already count with <see cref="Interlocked"/> is read by observable instruments when a listener collects, so no
/// request pays for it; only the duration of each MCP request is recorded as it ends, by the link itself
/// (<see cref="McpCallInvoker.CreateDuration"/>).
/// </summary>
/// <remarks>
/// Names are chosen so that the Prometheus names derived from them (dots as underscores, the unit's word, <c>_total</c>
/// on counters) are the <c>/metrics</c> families the service has always exposed; descriptions are their HELP lines.
/// An instrument whose value is unknown (no ping yet, no call answered yet) reports nothing rather than zero.
/// </remarks>
public static class McpLinkInstruments
{
    private static readonly (CircuitState State, KeyValuePair<string, object?> Tag)[] BreakerStates =
    [
        (CircuitState.Closed, new("state", "closed")),
        (CircuitState.Open, new("state", "open")),
        (CircuitState.HalfOpen, new("state", "half_open")),
        (CircuitState.Isolated, new("state", "isolated")),
    ];

    private static readonly (McpLinkState State, KeyValuePair<string, object?> Tag)[] LinkStates =
    [
        (McpLinkState.Disabled, new("state", "disabled")),
        (McpLinkState.Connecting, new("state", "connecting")),
        (McpLinkState.Connected, new("state", "connected")),
        (McpLinkState.Reconnecting, new("state", "reconnecting")),
        (McpLinkState.Unavailable, new("state", "unavailable")),
    ];

    /// <summary>Observes every component of <paramref name="link"/> on <paramref name="meter"/>.</summary>
    public static void Observe(Meter meter, McpLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        Observe(meter, () => link.Status, () => link.Stats, link.Resilience, link.Degradation, link.Pool, link.Health, link.Adaptive, () => link.Waiting);
    }

    /// <summary>Observes the given components (the link's, or a test's own); absent ones get no instruments.</summary>
    internal static void Observe(
        Meter meter,
        Func<McpLinkStatus> status,
        Func<McpLinkStats> stats,
        McpResilience resilience,
        GracefulDegradationManager degradation,
        IResizablePool? pool = null,
        McpHealthChecker? health = null,
        AdaptiveTuner? adaptive = null,
        Func<int>? waiting = null)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(resilience);
        ArgumentNullException.ThrowIfNull(degradation);

        meter.CreateObservableCounter("visionflow.mcp.requests", () => resilience.GetRequestStats().TotalRequests, "{request}", "Calls through the MCP resilience pipeline.");
        meter.CreateObservableCounter("visionflow.mcp.requests.successful", () => resilience.GetRequestStats().SuccessfulRequests, "{request}", "Calls that returned a result.");
        meter.CreateObservableCounter("visionflow.mcp.requests.failed", () => resilience.GetRequestStats().FailedRequests, "{request}", "Calls that ended in an exception.");
        meter.CreateObservableCounter("visionflow.mcp.requests.rejected", () => resilience.GetRequestStats().RejectedRequests, "{request}", "Calls rejected by the open circuit.");
        meter.CreateObservableCounter("visionflow.mcp.retries", () => resilience.GetRetryStats().TotalRetries, "{retry}", "Retries performed.");
        meter.CreateObservableCounter("visionflow.mcp.retry.max_attempts_reached", () => resilience.GetRetryStats().MaxAttemptsReached, "{request}", "Calls that failed with every attempt used.");
        meter.CreateObservableGauge("visionflow.mcp.retry.average_attempts", () => Known(resilience.GetRetryStats().AverageAttempts), "{attempt}", "Attempts per call.");

        var breaker = resilience.CircuitBreaker;
        meter.CreateObservableGauge("visionflow.mcp.circuit_breaker.state", () => OneHot(breaker.State, BreakerStates), null, "Circuit breaker state (1 for the current state).");
        meter.CreateObservableCounter("visionflow.mcp.circuit_breaker.trips", () => breaker.GetStats().TripCount, "{trip}", "Times the circuit opened.");
        meter.CreateObservableCounter("visionflow.mcp.circuit_breaker.recoveries", () => breaker.GetStats().RecoveryCount, "{recovery}", "Times a probe closed the circuit.");
        meter.CreateObservableGauge("visionflow.mcp.circuit_breaker.time_in_state", () => breaker.GetStats().TimeInState.TotalSeconds, "s", "Seconds in the current state.");

        if (pool is not null)
        {
            meter.CreateObservableUpDownCounter("visionflow.mcp.pool.active_connections", () => pool.GetStats().ActiveConnections, "{connection}", "Leased connections.");
            meter.CreateObservableUpDownCounter("visionflow.mcp.pool.idle_connections", () => pool.GetStats().IdleConnections, "{connection}", "Idle connections.");
            meter.CreateObservableUpDownCounter("visionflow.mcp.pool.total_connections", () => pool.GetStats().TotalConnections, "{connection}", "Open connections.");
            meter.CreateObservableGauge("visionflow.mcp.pool.max_connections", () => pool.GetStats().MaxConnections, "{connection}", "Current maximum.");
            meter.CreateObservableGauge("visionflow.mcp.pool.utilisation", () => pool.GetStats().Utilisation, null, "Leased over maximum.");
            meter.CreateObservableGauge("visionflow.mcp.pool.reuse_ratio", () => Known(pool.GetStats().ReuseRatio), null, "Rents served by an existing connection.");
            meter.CreateObservableCounter("visionflow.mcp.pool.creations", () => pool.GetStats().Creations, "{connection}", "Connections opened.");
            meter.CreateObservableCounter("visionflow.mcp.pool.exhaustions", () => pool.GetStats().Exhaustions, "{rent}", "Rents that failed because the pool was full.");
            meter.CreateObservableCounter("visionflow.mcp.pool.health_check_failures", () => pool.GetStats().HealthCheckFailures, "{connection}", "Connections that failed a health check.");
            meter.CreateObservableCounter("visionflow.mcp.pool.evictions", () => pool.GetStats().Evictions, "{connection}", "Connections closed by the pool.");
        }

        // The same derivations as /api/health/network (NetworkResilienceMetrics), so both say the same thing.
        meter.CreateObservableGauge("visionflow.mcp.health_score", () => Known(Capture().HealthScore), null, "Health score in [0, 1].");
        // Prometheus wants base units: seconds here, although the health JSON keeps its contract's average_response_time_ms.
        meter.CreateObservableGauge("visionflow.mcp.average_response_time", () => Known(Capture().AverageResponseTimeMs / 1000), "s", "Mean response time.");
        if (health is not null)
        {
            meter.CreateObservableCounter("visionflow.mcp.health_checks", () => health.GetStats().TotalChecks, "{check}", "Pings sent.");
            meter.CreateObservableCounter("visionflow.mcp.health_checks.failed", () => health.GetStats().FailedChecks, "{check}", "Pings failed.");
        }

        meter.CreateObservableGauge("visionflow.degradation.level", () => (int)degradation.Level, null, "0 fully_operational, 1 partial_degradation, 2 emergency_mode, 3 safe_mode.");
        meter.CreateObservableCounter("visionflow.degradation.transitions", () => degradation.GetStats().TransitionCount, "{transition}", "Degradation level changes.");
        meter.CreateObservableCounter("visionflow.mcp.reconnections", () => stats().Reconnections, "{session}", "Successful reconnects.");
        meter.CreateObservableCounter("visionflow.mcp.reconnect_attempts.failed", () => stats().FailedAttempts, "{attempt}", "Failed connection attempts.");
        meter.CreateObservableCounter("visionflow.mcp.sessions", () => stats().Sessions, "{session}", "Sessions opened (first connect and every reconnect).");
        meter.CreateObservableCounter("visionflow.mcp.connect_attempts", () => stats().Attempts, "{attempt}", "Connection attempts (first connect and every reconnect).");
        meter.CreateObservableCounter("visionflow.mcp.disconnects", () => stats().Disconnects, "{session}", "Sessions lost: the connection closed, health checks failed, or a call found it gone.");
        if (waiting is not null)
        {
            meter.CreateObservableUpDownCounter("visionflow.mcp.requests.waiting", waiting, "{request}", "Requests waiting for the connection attempt in progress.");
        }

        meter.CreateObservableGauge("visionflow.mcp.connected", () => status().State == McpLinkState.Connected ? 1 : 0, null, "1 when an MCP server is connected.");
        meter.CreateObservableGauge("visionflow.mcp.link.state", () => OneHot(status().State, LinkStates), null, "MCP link state (1 for the current state).");

        if (adaptive is not null)
        {
            meter.CreateObservableCounter("visionflow.adaptive.changes", () => adaptive.GetStats().Changes, "{change}", "Settings changed by adaptive tuning.");
        }

        NetworkResilienceMetrics Capture() =>
            NetworkResilienceMetrics.Capture(status(), stats(), resilience, degradation, pool, health);
    }

    private static Measurement<int>[] OneHot<TState>(TState current, (TState State, KeyValuePair<string, object?> Tag)[] states)
        where TState : struct, Enum
    {
        var measurements = new Measurement<int>[states.Length];
        for (var i = 0; i < states.Length; i++)
        {
            measurements[i] = new Measurement<int>(EqualityComparer<TState>.Default.Equals(states[i].State, current) ? 1 : 0, states[i].Tag);
        }

        return measurements;
    }

    private static Measurement<double>[] Known(double? value) => value is { } v ? [new Measurement<double>(v)] : [];
}

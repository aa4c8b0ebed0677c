using System.Globalization;
using System.Text;
using System.Text.Json;
using Polly.CircuitBreaker;
using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Link;

namespace VisionFlow.Connections.Metrics;

/// <summary>Renders a <see cref="NetworkResilienceMetrics"/> as the <c>/api/health/network</c> JSON contract or as Prometheus text.</summary>
public static class NetworkResilienceMetricsWriter
{
    /// <summary>Writes the <c>/api/health/network</c> object for <paramref name="link"/>, every number read from it now.</summary>
    public static void WriteHealthJson(Utf8JsonWriter writer, McpLink link) => WriteHealthJson(writer, NetworkResilienceMetrics.Capture(link));

    /// <summary>Writes Prometheus text exposition (version 0.0.4) for <paramref name="link"/>, every number read from it now.</summary>
    public static void WritePrometheus(StringBuilder sb, McpLink link) => WritePrometheus(sb, NetworkResilienceMetrics.Capture(link));

    /// <summary>Writes the <c>/api/health/network</c> object (the shared README's contract), with an extra <c>details</c> member.</summary>
    internal static void WriteHealthJson(Utf8JsonWriter writer, NetworkResilienceMetrics m)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(m);
        writer.WriteStartObject();
        writer.WriteString("status", m.Status);

        writer.WriteStartObject("mcp_connection");
        writer.WriteString("status", m.ConnectionStatus);
        writer.WriteString("circuit_breaker_state", m.CircuitBreakerState);
        writer.WriteStartObject("connection_pool");
        writer.WriteNumber("active_connections", m.ConnectionPool?.ActiveConnections ?? 0);
        writer.WriteNumber("idle_connections", m.ConnectionPool?.IdleConnections ?? 0);
        writer.WriteNumber("total_connections", m.ConnectionPool?.TotalConnections ?? 0);
        writer.WriteNumber("max_connections", m.ConnectionPool?.MaxConnections ?? 0);
        writer.WriteEndObject();
        if (m.HealthScore is { } score)
        {
            writer.WriteNumber("health_score", Math.Round(score, 4));
        }
        else
        {
            writer.WriteNull("health_score");
        }

        if (m.LastSuccessfulRequest is { } last)
        {
            writer.WriteString("last_successful_request", last.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNull("last_successful_request");
        }

        if (m.AverageResponseTimeMs is { } average)
        {
            writer.WriteNumber("average_response_time_ms", Math.Round(average, 3));
        }
        else
        {
            writer.WriteNull("average_response_time_ms");
        }

        writer.WriteEndObject();

        writer.WriteString("degradation_level", m.Degradation.LevelName);

        writer.WriteStartObject("resilience_patterns");
        // With MCP switched off nothing guards anything: every pattern says so rather than claiming to be active.
        writer.WriteString("circuit_breaker", m.Disabled ? "disabled" : m.CircuitBreaker.State == CircuitState.Closed ? "active" : m.CircuitBreakerState);
        writer.WriteString("retry_logic", m.RetryEnabled && !m.Disabled ? "active" : "disabled");
        writer.WriteString("connection_pooling", m.ConnectionPool is null ? "disabled" : "active");
        writer.WriteString("health_monitoring", m.Health is null ? "disabled" : "active");
        writer.WriteEndObject();

        writer.WriteStartObject("network_stats");
        writer.WriteNumber("total_requests", m.Requests.TotalRequests);
        writer.WriteNumber("successful_requests", m.Requests.SuccessfulRequests);
        writer.WriteNumber("failed_requests", m.Requests.FailedRequests);
        writer.WriteNumber("retry_count", m.Retry.TotalRetries);
        writer.WriteNumber("circuit_breaker_trips", m.CircuitBreaker.TripCount);
        writer.WriteEndObject();

        writer.WriteStartObject("details");
        writer.WriteStartObject("link");
        writer.WriteString("address", m.Link.Address);
        writer.WriteString("detail", m.Link.Detail);
        writer.WriteString("telemetry_mode", m.Link.TelemetryName);
        writer.WriteNumber("sessions", m.LinkStats.Sessions);
        writer.WriteNumber("attempts", m.LinkStats.Attempts);
        writer.WriteNumber("failed_attempts", m.LinkStats.FailedAttempts);
        writer.WriteNumber("reconnections", m.LinkStats.Reconnections);
        writer.WriteNumber("disconnects", m.LinkStats.Disconnects);
        if (m.Link.LastFailure is { } failure)
        {
            writer.WriteStartObject("last_failure");
            writer.WriteString("kind", failure.KindName);
            writer.WriteString("message", failure.Message);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("last_failure");
        }

        writer.WriteEndObject();
        var r = m.Degradation.Response;
        writer.WriteStartObject("degradation");
        writer.WriteBoolean("agent_graph_enabled", r.AgentGraphEnabled);
        writer.WriteBoolean("knowledge_graph_enabled", r.KnowledgeGraphEnabled);
        writer.WriteBoolean("real_time_updates", r.RealTimeUpdates);
        writer.WriteString("performance_mode", DegradationLevelNames.ToSnakeCase(r.PerformanceMode));
        writer.WriteString("message", r.Message);
        writer.WriteNumber("transitions", m.Degradation.TransitionCount);
        writer.WriteEndObject();
        writer.WriteStartObject("retry");
        writer.WriteNumber("successful_retries", m.Retry.SuccessfulRetries);
        writer.WriteNumber("failed_retries", m.Retry.FailedRetries);
        writer.WriteNumber("average_attempts", Math.Round(m.Retry.AverageAttempts, 4));
        writer.WriteNumber("max_attempts_reached", m.Retry.MaxAttemptsReached);
        writer.WriteEndObject();
        writer.WriteStartObject("circuit_breaker");
        writer.WriteNumber("failure_count", m.CircuitBreaker.FailureCount);
        writer.WriteNumber("success_count", m.CircuitBreaker.SuccessCount);
        writer.WriteNumber("recovery_count", m.CircuitBreaker.RecoveryCount);
        writer.WriteNumber("rejected_count", m.CircuitBreaker.RejectedCount);
        writer.WriteNumber("time_in_state_ms", Math.Round(m.CircuitBreaker.TimeInState.TotalMilliseconds, 3));
        writer.WriteEndObject();
        if (m.ConnectionPool is { } p)
        {
            writer.WriteStartObject("connection_pool");
            writer.WriteNumber("utilisation", Math.Round(p.Utilisation, 4));
            writer.WriteNumber("reuse_ratio", Math.Round(p.ReuseRatio, 4));
            writer.WriteNumber("creations", p.Creations);
            writer.WriteNumber("exhaustions", p.Exhaustions);
            writer.WriteNumber("health_check_failures", p.HealthCheckFailures);
            writer.WriteNumber("evictions", p.Evictions);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Writes Prometheus text exposition (version 0.0.4) of the snapshot.</summary>
    internal static void WritePrometheus(StringBuilder sb, NetworkResilienceMetrics m)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(m);
        Counter(sb, "visionflow_mcp_requests_total", "Calls through the MCP resilience pipeline.", m.Requests.TotalRequests);
        Counter(sb, "visionflow_mcp_requests_successful_total", "Calls that returned a result.", m.Requests.SuccessfulRequests);
        Counter(sb, "visionflow_mcp_requests_failed_total", "Calls that ended in an exception.", m.Requests.FailedRequests);
        Counter(sb, "visionflow_mcp_requests_rejected_total", "Calls rejected by the open circuit.", m.Requests.RejectedRequests);
        Counter(sb, "visionflow_mcp_retries_total", "Retries performed.", m.Retry.TotalRetries);
        Counter(sb, "visionflow_mcp_retry_max_attempts_reached_total", "Calls that failed with every attempt used.", m.Retry.MaxAttemptsReached);
        Gauge(sb, "visionflow_mcp_retry_average_attempts", "Attempts per call.", m.Retry.AverageAttempts);

        sb.Append("# HELP visionflow_mcp_circuit_breaker_state Circuit breaker state (1 for the current state).\n# TYPE visionflow_mcp_circuit_breaker_state gauge\n");
        foreach (var state in (ReadOnlySpan<CircuitState>)[CircuitState.Closed, CircuitState.Open, CircuitState.HalfOpen, CircuitState.Isolated])
        {
            sb.Append("visionflow_mcp_circuit_breaker_state{state=\"").Append(NetworkResilienceMetrics.StateName(state)).Append("\"} ")
              .Append(m.CircuitBreaker.State == state ? '1' : '0').Append('\n');
        }

        Counter(sb, "visionflow_mcp_circuit_breaker_trips_total", "Times the circuit opened.", m.CircuitBreaker.TripCount);
        Counter(sb, "visionflow_mcp_circuit_breaker_recoveries_total", "Times a probe closed the circuit.", m.CircuitBreaker.RecoveryCount);
        Gauge(sb, "visionflow_mcp_circuit_breaker_time_in_state_seconds", "Seconds in the current state.", m.CircuitBreaker.TimeInState.TotalSeconds);

        if (m.ConnectionPool is { } p)
        {
            Gauge(sb, "visionflow_mcp_pool_active_connections", "Leased connections.", p.ActiveConnections);
            Gauge(sb, "visionflow_mcp_pool_idle_connections", "Idle connections.", p.IdleConnections);
            Gauge(sb, "visionflow_mcp_pool_total_connections", "Open connections.", p.TotalConnections);
            Gauge(sb, "visionflow_mcp_pool_max_connections", "Current maximum.", p.MaxConnections);
            Gauge(sb, "visionflow_mcp_pool_utilisation", "Leased over maximum.", p.Utilisation);
            Gauge(sb, "visionflow_mcp_pool_reuse_ratio", "Rents served by an existing connection.", p.ReuseRatio);
            Counter(sb, "visionflow_mcp_pool_creations_total", "Connections opened.", p.Creations);
            Counter(sb, "visionflow_mcp_pool_exhaustions_total", "Rents that failed because the pool was full.", p.Exhaustions);
            Counter(sb, "visionflow_mcp_pool_health_check_failures_total", "Connections that failed a health check.", p.HealthCheckFailures);
            Counter(sb, "visionflow_mcp_pool_evictions_total", "Connections closed by the pool.", p.Evictions);
        }

        // Prometheus has no null: an unknown value is left out rather than written as zero.
        if (m.HealthScore is { } score)
        {
            Gauge(sb, "visionflow_mcp_health_score", "Health score in [0, 1].", score);
        }

        if (m.AverageResponseTimeMs is { } average)
        {
            Gauge(sb, "visionflow_mcp_average_response_time_ms", "Mean response time in milliseconds.", average);
        }

        if (m.Health is { } h)
        {
            Counter(sb, "visionflow_mcp_health_checks_total", "Pings sent.", h.TotalChecks);
            Counter(sb, "visionflow_mcp_health_checks_failed_total", "Pings failed.", h.FailedChecks);
        }

        Gauge(sb, "visionflow_degradation_level", "0 fully_operational, 1 partial_degradation, 2 emergency_mode, 3 safe_mode.", (int)m.Degradation.Level);
        Counter(sb, "visionflow_degradation_transitions_total", "Degradation level changes.", m.Degradation.TransitionCount);
        Counter(sb, "visionflow_mcp_reconnections_total", "Successful reconnects.", m.LinkStats.Reconnections);
        Counter(sb, "visionflow_mcp_reconnect_attempts_failed_total", "Failed connection attempts.", m.LinkStats.FailedAttempts);
        Counter(sb, "visionflow_mcp_sessions_total", "Sessions opened (first connect and every reconnect).", m.LinkStats.Sessions);

        if (m.Adaptive is { } a)
        {
            Counter(sb, "visionflow_adaptive_changes_total", "Settings changed by adaptive tuning.", a.Changes);
        }
    }

    private static void Counter(StringBuilder sb, string name, string help, long value) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" counter\n")
          .Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static void Gauge(StringBuilder sb, string name, string help, double value) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" gauge\n")
          .Append(name).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
}

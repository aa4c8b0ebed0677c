using System.Globalization;
using System.Text.Json;
using Polly.CircuitBreaker;
using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Link;

namespace VisionFlow.Connections.Metrics;

/// <summary>
/// Renders a <see cref="NetworkResilienceMetrics"/> as the <c>/api/health/network</c> JSON contract. The same figures reach
/// <c>/metrics</c> and OTLP through <see cref="McpLinkInstruments"/>.
/// </summary>
public static class NetworkResilienceMetricsWriter
{
    /// <summary>Writes the <c>/api/health/network</c> object for <paramref name="link"/>, every number read from it now.</summary>
    public static void WriteHealthJson(Utf8JsonWriter writer, McpLink link) => WriteHealthJson(writer, NetworkResilienceMetrics.Capture(link));

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
        WriteRounded(writer, "health_score", m.HealthScore);

        if (m.LastSuccessfulRequest is { } last)
        {
            writer.WriteString("last_successful_request", last.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNull("last_successful_request");
        }

        WriteRounded(writer, "average_response_time_ms", m.AverageResponseTimeMs, 3);

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
        WriteRounded(writer, "average_attempts", m.Retry.AverageAttempts);
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
            WriteRounded(writer, "reuse_ratio", p.ReuseRatio);
            writer.WriteNumber("creations", p.Creations);
            writer.WriteNumber("exhaustions", p.Exhaustions);
            writer.WriteNumber("health_check_failures", p.HealthCheckFailures);
            writer.WriteNumber("evictions", p.Evictions);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>A figure rounded for reading, or null when it is not known yet (no call, no rent, no check).</summary>
    private static void WriteRounded(Utf8JsonWriter writer, string name, double? value, int digits = 4)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, Math.Round(v, digits));
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}

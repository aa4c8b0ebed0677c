using VisionFlow.Connections.Health;

namespace VisionFlow.Connections.Degradation;

/// <summary>
/// Lets the health checker drive the degradation level: each healthy check is a healthy interval (climb one level once
/// the recovery interval has passed), each check while unhealthy reports its failure type (an unclassified failure
/// counts as service unavailable). Degraded checks (between thresholds) change nothing.
/// </summary>
public sealed class HealthDrivenDegradation : IDisposable
{
    private readonly McpHealthChecker _health;
    private readonly GracefulDegradationManager _degradation;

    /// <summary>Subscribes to <paramref name="health"/>; dispose to unsubscribe.</summary>
    public HealthDrivenDegradation(McpHealthChecker health, GracefulDegradationManager degradation)
    {
        ArgumentNullException.ThrowIfNull(health);
        ArgumentNullException.ThrowIfNull(degradation);
        _health = health;
        _degradation = degradation;
        _health.Checked += OnChecked;
    }

    /// <inheritdoc />
    public void Dispose() => _health.Checked -= OnChecked;

    private void OnChecked(HealthCheckResult result)
    {
        if (result.Status == HealthStatus.Healthy)
        {
            _degradation.ReportHealthy();
        }
        else if (result.Status == HealthStatus.Unhealthy)
        {
            _degradation.HandleFailure(result.FailureType ?? McpFailureType.ServiceUnavailable);
        }
    }
}

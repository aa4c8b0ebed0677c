using VisionFlow.Connections.Health;
using VisionFlow.Connections.Pooling;
using VisionFlow.Connections.Resilience;

namespace VisionFlow.Connections.Adaptive;

/// <summary>Builds the tuner's inputs from the live components, with the error rate taken over each evaluation window.</summary>
internal static class AdaptiveInputSource
{
    /// <summary>
    /// Latency: the health checker's moving average when it has one, else the pipeline's mean response time. Error rate:
    /// failed over total calls since the previous reading (0 when there were none). Utilisation: the pool's, now.
    /// </summary>
    public static Func<AdaptiveInputs> Create(McpResilience resilience, McpHealthChecker? health, IResizablePool? pool)
    {
        ArgumentNullException.ThrowIfNull(resilience);
        long lastTotal = 0;
        long lastFailed = 0;
        var gate = new Lock();
        return () =>
        {
            var requests = resilience.GetRequestStats();
            double errorRate;
            lock (gate)
            {
                var total = requests.TotalRequests - lastTotal;
                var failed = requests.FailedRequests - lastFailed;
                lastTotal = requests.TotalRequests;
                lastFailed = requests.FailedRequests;
                errorRate = total <= 0 ? 0 : (double)failed / total;
            }

            var healthStats = health?.GetStats();
            var latency = healthStats is { SuccessfulChecks: > 0 } ? healthStats.AverageLatencyMs : requests.AverageResponseTimeMs;
            return new AdaptiveInputs(latency, errorRate, pool?.GetStats().Utilisation ?? 0);
        };
    }
}

namespace VisionFlow.Connections.Adaptive;

/// <summary>What the adaptive rules look at: recent average latency, recent error rate (0..1), pool utilisation (0..1).</summary>
internal readonly record struct AdaptiveInputs(double AverageLatencyMs, double ErrorRate, double PoolUtilisation);

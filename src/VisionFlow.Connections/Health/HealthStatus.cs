namespace VisionFlow.Connections.Health;

/// <summary>What the periodic ping says about the MCP server.</summary>
internal enum HealthStatus
{
    /// <summary>No check has completed yet.</summary>
    Unknown,

    /// <summary>The last <c>HealthyThreshold</c> checks passed.</summary>
    Healthy,

    /// <summary>Between thresholds: some recent checks failed, or recovery has not yet been confirmed.</summary>
    Degraded,

    /// <summary>The last <c>UnhealthyThreshold</c> checks failed.</summary>
    Unhealthy,
}

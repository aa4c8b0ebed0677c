namespace VisionFlow.Server.Health;

/// <summary>Body of <c>GET /api/health</c>.</summary>
/// <param name="Status">"ok" when every enabled subsystem is up; "degraded" when one is down or degraded; otherwise
/// "starting" while a subsystem is still being brought up after the listener opened.</param>
/// <param name="Service">Always "visionflow".</param>
/// <param name="Version">Informational version of the running binary.</param>
/// <param name="StartedAt">UTC start time.</param>
/// <param name="UptimeSeconds">Seconds since start.</param>
/// <param name="Subsystems">Every subsystem's state.</param>
internal sealed record HealthReport(
    string Status,
    string Service,
    string Version,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    IReadOnlyList<SubsystemStatus> Subsystems);

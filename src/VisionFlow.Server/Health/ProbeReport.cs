namespace VisionFlow.Server.Health;

/// <summary>Body of the orchestrator probes <c>GET /api/health/live</c> and <c>GET /api/health/ready</c>.</summary>
/// <param name="Status"><c>live</c>; <c>ready</c> or <c>not_ready</c>.</param>
/// <param name="Reason">Why it is not ready; null when it is.</param>
/// <param name="Checks">The subsystems the answer was decided on (empty for liveness, which only needs an answer).</param>
internal sealed record ProbeReport(string Status, string? Reason, IReadOnlyList<SubsystemStatus> Checks);

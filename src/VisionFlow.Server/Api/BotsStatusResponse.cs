namespace VisionFlow.Server.Api;

/// <summary>Body of <c>GET /api/bots/status</c>.</summary>
public sealed record BotsStatusResponse(
    string McpState,
    string McpDetail,
    string? Server,
    string? Dialect,
    bool Simulated,
    string TelemetryMode,
    string DegradationLevel,
    string DegradationMessage,
    int AgentCount,
    int MaxAgents,
    bool AgentGraphAvailable,
    long TelemetryLinesAccepted,
    long TelemetryLinesRefused);

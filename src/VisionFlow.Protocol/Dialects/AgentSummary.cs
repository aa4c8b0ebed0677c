namespace VisionFlow.Protocol.Dialects;

/// <summary>An agent as the product shows it, whichever dialect reported it; null where the server did not say.</summary>
public sealed record AgentSummary(
    string Id,
    string? Type,
    string? Status,
    string? SwarmId,
    double? CpuUsage,
    double? MemoryUsage,
    int? TasksActive,
    long? TokensUsed,
    string? CreatedAt,
    string? SessionId = null);

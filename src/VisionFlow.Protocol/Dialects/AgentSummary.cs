namespace VisionFlow.Protocol.Dialects;

/// <summary>An agent as the product shows it, whichever dialect reported it.</summary>
public sealed record AgentSummary(
    string Id,
    string? Type,
    string? Status,
    string? SwarmId,
    double? CpuUsage,
    double? MemoryUsage,
    int? TasksActive,
    long? TokensUsed,
    string? CreatedAt);

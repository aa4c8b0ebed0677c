namespace VisionFlow.Agents.Cache;

/// <summary>One agent as readers (REST, WebSocket) see it; a field the peer never reported is null, never zero or empty.</summary>
public sealed record AgentInfo(
    string Id,
    uint NodeId,
    string? Type,
    string? Status,
    float? CpuUsage,
    float? MemoryUsage,
    int? TasksActive,
    long? TokensUsed,
    string? SwarmId,
    DateTimeOffset LastSeen,
    DateTimeOffset? TelemetryTimestamp,
    bool IsStale);

namespace VisionFlow.Agents.Cache;

/// <summary>
/// One agent as readers (REST, WebSocket) see it; a field the peer never reported is null, never zero or empty.
/// <see cref="Health"/> (Claude Flow's 0-1 score), <see cref="CreatedAt"/> and <see cref="Model"/> are as the server reported them.
/// </summary>
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
    bool IsStale,
    float? Health = null,
    DateTimeOffset? CreatedAt = null,
    string? Model = null);

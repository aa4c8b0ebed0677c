namespace VisionFlow.Server.Api;

/// <summary>
/// One agent in REST answers; <see cref="NodeId"/> is its graph node (bit 31 set). Null where the peer never said;
/// <see cref="Health"/> (0-1), <see cref="TasksActive"/> (Claude Flow's <c>taskCount</c>), <see cref="CreatedAt"/> and
/// <see cref="Model"/> as the server reported them.
/// </summary>
/// <remarks>A struct: the agents body maps 10,000 of these per build, ten builds a second, and none should reach the heap.</remarks>
internal readonly record struct AgentView(
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
    bool Stale,
    float? Health,
    DateTimeOffset? CreatedAt,
    string? Model);

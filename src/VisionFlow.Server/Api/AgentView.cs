namespace VisionFlow.Server.Api;

/// <summary>One agent in REST answers; <see cref="NodeId"/> is its graph node (bit 31 set).</summary>
public sealed record AgentView(
    string Id,
    uint NodeId,
    string Type,
    string Status,
    float CpuUsage,
    float MemoryUsage,
    int TasksActive,
    long TokensUsed,
    string SwarmId,
    DateTimeOffset LastSeen,
    bool Stale);

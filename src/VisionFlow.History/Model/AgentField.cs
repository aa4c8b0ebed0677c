namespace VisionFlow.History.Model;

/// <summary>
/// An agent's recorded fields: the live agent's (<c>AgentInfo</c>) and the ones Claude Flow 3.x reports besides. The
/// numbers are the format's; a new field gets a new number, and a reader skips numbers it does not know.
/// </summary>
public enum AgentField : byte
{
    /// <summary>Agent type (text).</summary>
    Type = 1,

    /// <summary>Status word (text).</summary>
    Status = 2,

    /// <summary>CPU use, percent (float). A gauge: sampled, see <see cref="Recording.HistoryRecorderOptions.GaugeInterval"/>.</summary>
    CpuUsage = 3,

    /// <summary>Memory use, MB (float). A gauge.</summary>
    MemoryUsage = 4,

    /// <summary>Active tasks (integer).</summary>
    TasksActive = 5,

    /// <summary>Tokens used (integer). A gauge.</summary>
    TokensUsed = 6,

    /// <summary>Swarm id (text).</summary>
    SwarmId = 7,

    /// <summary>Stale: no telemetry for too long (boolean).</summary>
    Stale = 8,

    /// <summary>Last seen (time). A gauge.</summary>
    LastSeen = 9,

    /// <summary>The telemetry's own timestamp (time). A gauge.</summary>
    TelemetryTimestamp = 10,

    /// <summary>Health as the server reports it (float or text).</summary>
    Health = 11,

    /// <summary>Model the agent runs (text).</summary>
    Model = 12,

    /// <summary>Display name (text).</summary>
    Name = 13,

    /// <summary>When the server created the agent (time).</summary>
    CreatedAt = 14,

    /// <summary>Tasks the server counts for the agent (integer).</summary>
    TaskCount = 15,

    /// <summary>The agent's graph node id (integer, bit 31 set).</summary>
    NodeId = 16,
}

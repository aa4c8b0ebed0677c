namespace VisionFlow.Agents.Cache;

/// <summary>Which of an agent's fields a batch changed (<see cref="AgentChangeSet.UpdatedFields"/>).</summary>
/// <remarks>The bits below <see cref="Stale"/> are those of the telemetry events, so a staged event's fields map over as they are.</remarks>
[Flags]
public enum AgentFields : ushort
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Agent type.</summary>
    Type = 1 << 0,

    /// <summary>Status.</summary>
    Status = 1 << 1,

    /// <summary>cpu_usage.</summary>
    CpuUsage = 1 << 2,

    /// <summary>memory_usage.</summary>
    MemoryUsage = 1 << 3,

    /// <summary>tasks_active.</summary>
    TasksActive = 1 << 4,

    /// <summary>tokens_used.</summary>
    TokensUsed = 1 << 5,

    /// <summary>swarm_id.</summary>
    Swarm = 1 << 6,

    /// <summary>health.</summary>
    Health = 1 << 8,

    /// <summary>created_at.</summary>
    CreatedAt = 1 << 9,

    /// <summary>model.</summary>
    Model = 1 << 10,

    /// <summary>stale: the agent fell silent, or was heard again.</summary>
    Stale = 1 << 11,
}

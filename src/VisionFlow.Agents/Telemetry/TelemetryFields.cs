namespace VisionFlow.Agents.Telemetry;

/// <summary>Which agent fields an event carried; coalescing is last-write-wins per field.</summary>
[Flags]
internal enum TelemetryFields : ushort
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
    /// <summary>Swarm id.</summary>
    Swarm = 1 << 6,
    /// <summary>Event timestamp.</summary>
    Timestamp = 1 << 7,
    /// <summary>Health score (Claude Flow's <c>health</c>, 0 to 1).</summary>
    Health = 1 << 8,
    /// <summary>When the agent was made (<c>createdAt</c>).</summary>
    CreatedAt = 1 << 9,
    /// <summary>The agent's model (<c>model</c>).</summary>
    Model = 1 << 10,
}

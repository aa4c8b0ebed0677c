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
}

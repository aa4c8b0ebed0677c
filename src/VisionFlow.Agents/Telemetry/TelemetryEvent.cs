namespace VisionFlow.Agents.Telemetry;

/// <summary>
/// One parsed telemetry event. Strings on the wire are interned: <see cref="AgentKey"/> and the other keys index the
/// parser's tables (<see cref="TelemetryParser.AgentId"/>, <see cref="TelemetryParser.Label"/>); -1 means absent.
/// </summary>
internal struct TelemetryEvent
{
    /// <summary>Event kind.</summary>
    public TelemetryEventKind Kind;
    /// <summary>Fields present for agent events.</summary>
    public TelemetryFields Fields;
    /// <summary>Interned agent id.</summary>
    public int AgentKey;
    /// <summary>Interned agent type label.</summary>
    public int TypeKey;
    /// <summary>Interned status label.</summary>
    public int StatusKey;
    /// <summary>Interned swarm id label.</summary>
    public int SwarmKey;
    /// <summary>cpu_usage (percent).</summary>
    public float CpuUsage;
    /// <summary>memory_usage (MB).</summary>
    public float MemoryUsage;
    /// <summary>tasks_active.</summary>
    public int TasksActive;
    /// <summary>tokens_used.</summary>
    public long TokensUsed;
    /// <summary>Health score as reported (Claude Flow: 0 to 1).</summary>
    public float Health;
    /// <summary>When the agent was made, UTC ticks.</summary>
    public long CreatedAtUtcTicks;
    /// <summary>Interned model label (<c>model</c>).</summary>
    public int ModelKey;
    /// <summary>Event timestamp as UTC ticks, 0 when absent.</summary>
    public long TimestampUtcTicks;
    /// <summary>message.flow sender (interned agent id, -1 when not a known agent).</summary>
    public int FromKey;
    /// <summary>message.flow receiver (interned agent id, -1 when not a known agent).</summary>
    public int ToKey;
    /// <summary>message.flow message type label.</summary>
    public int MessageTypeKey;
    /// <summary>message.flow size in bytes (0 when absent).</summary>
    public int MessageSize;
    /// <summary>metrics.* name label (the part after <c>metrics.</c>).</summary>
    public int MetricKey;
    /// <summary>metrics.* value (<c>data.value</c>), NaN when absent.</summary>
    public double MetricValue;

    internal void Reset()
    {
        this = default;
        AgentKey = TypeKey = StatusKey = SwarmKey = ModelKey = FromKey = ToKey = MessageTypeKey = MetricKey = -1;
        MetricValue = double.NaN;
    }
}

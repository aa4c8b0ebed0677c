namespace VisionFlow.Agents.Telemetry;

/// <summary>What a telemetry line (or one entry of a polled agent list) says.</summary>
internal enum TelemetryEventKind : byte
{
    /// <summary>Not a telemetry event.</summary>
    None = 0,
    /// <summary><c>agent.spawned</c>.</summary>
    AgentSpawned,
    /// <summary><c>agent.terminated</c>, or a status of <c>terminated</c>.</summary>
    AgentTerminated,
    /// <summary><c>agent.status</c>.</summary>
    AgentStatus,
    /// <summary>One agent of a polled agent list (the full list replaces the cache's membership).</summary>
    AgentListed,
    /// <summary><c>message.flow</c>.</summary>
    MessageFlow,
    /// <summary><c>metrics.*</c>.</summary>
    Metrics,
}

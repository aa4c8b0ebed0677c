namespace VisionFlow.Simulator.Model;

/// <summary>Telemetry event types a subscriber can ask for (push line <c>type</c> values).</summary>
[Flags]
public enum TelemetryEvents
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary><c>agent.spawned</c>.</summary>
    AgentSpawned = 1,

    /// <summary><c>agent.terminated</c>.</summary>
    AgentTerminated = 2,

    /// <summary><c>agent.status</c>, one per live agent per frame.</summary>
    AgentStatus = 4,

    /// <summary><c>message.flow</c>, messages between agents of a swarm.</summary>
    MessageFlow = 8,

    /// <summary><c>metrics.system</c> and <c>metrics.swarm</c>, once per metrics interval.</summary>
    Metrics = 16,

    /// <summary>Every type.</summary>
    All = AgentSpawned | AgentTerminated | AgentStatus | MessageFlow | Metrics,
}

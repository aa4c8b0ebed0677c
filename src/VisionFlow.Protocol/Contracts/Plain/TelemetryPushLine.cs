using System.Text.Json;

namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>A server-pushed telemetry line <c>{type, data, timestamp}</c> (not a JSON-RPC message).</summary>
public sealed record TelemetryPushLine
{
    /// <summary>Event type: <c>agent.spawned</c>, <c>agent.terminated</c>, <c>agent.status</c>, <c>message.flow</c>, <c>metrics.*</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Event payload; its shape depends on <see cref="Type"/> (agent events carry an <see cref="AgentStatusResult"/>).</summary>
    public required JsonElement Data { get; init; }

    /// <summary>When the server produced it.</summary>
    public DateTimeOffset? Timestamp { get; init; }
}

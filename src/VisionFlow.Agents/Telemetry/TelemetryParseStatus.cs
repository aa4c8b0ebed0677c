namespace VisionFlow.Agents.Telemetry;

/// <summary>Outcome of parsing one telemetry line; every non-<see cref="Ok"/> outcome is counted by the intake.</summary>
internal enum TelemetryParseStatus : byte
{
    /// <summary>A telemetry event was produced.</summary>
    Ok = 0,
    /// <summary>Not valid JSON or not an object.</summary>
    Malformed,
    /// <summary>Valid JSON without a <c>type</c> we handle.</summary>
    UnknownType,
    /// <summary>A known type missing a required field (agent id, from/to).</summary>
    MissingField,
    /// <summary>An identifier longer than the configured maximum.</summary>
    IdTooLong,
    /// <summary>The agent id table is full (more distinct agents than the cache may hold).</summary>
    OverCapacity,
    /// <summary>message.flow between agents that are not known.</summary>
    UnknownAgent,
}

namespace VisionFlow.Connections.Reconnect;

/// <summary>An immutable reading of the supervisor.</summary>
public sealed record ReconnectStats(
    ReconnectState State,
    long Disconnects,
    long Attempts,
    long FailedAttempts,
    long Reconnections,
    DateTimeOffset? DisconnectedSince,
    DateTimeOffset? LastReconnectAt,
    string? LastError);

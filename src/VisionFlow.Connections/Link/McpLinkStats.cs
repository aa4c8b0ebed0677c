namespace VisionFlow.Connections.Link;

/// <summary>Counters of the link's connection attempts and sessions.</summary>
/// <param name="State">Where the link stands.</param>
/// <param name="Sessions">Sessions opened (the first connect and every reconnect).</param>
/// <param name="Attempts">Connection attempts made.</param>
/// <param name="FailedAttempts">Attempts that failed.</param>
/// <param name="Reconnections">Sessions opened after a loss.</param>
/// <param name="Disconnects">Sessions lost.</param>
/// <param name="DownSince">When the link went down, while it is down.</param>
internal sealed record McpLinkStats(
    McpLinkState State,
    long Sessions,
    long Attempts,
    long FailedAttempts,
    long Reconnections,
    long Disconnects,
    DateTimeOffset? DownSince);

namespace VisionFlow.Connections.Reconnect;

/// <summary>A successful reconnect: attempts it took, how long the link was down, and whether it came during probing.</summary>
public sealed record ReconnectedInfo(int Attempts, TimeSpan Downtime, bool AfterProbing, DateTimeOffset At);

namespace VisionFlow.Connections.Degradation;

/// <summary>One transition between levels: what changed, why, when, and what is now on.</summary>
public sealed record DegradationChange(DegradationLevel From, DegradationLevel To, string Reason, DateTimeOffset At, DegradationResponse Response);

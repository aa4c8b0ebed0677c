namespace VisionFlow.Connections.Adaptive;

/// <summary>One setting the tuner changed: which rule, the setting, old and new value, why, and when.</summary>
internal sealed record AdaptiveChange(string Rule, string Setting, string From, string To, string Reason, DateTimeOffset At);

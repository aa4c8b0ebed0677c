namespace VisionFlow.Server.Health;

/// <summary>A subsystem's state with a short human explanation.</summary>
internal sealed record SubsystemStatus(string Name, SubsystemState State, string Detail);

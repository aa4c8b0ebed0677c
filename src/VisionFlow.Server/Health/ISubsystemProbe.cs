namespace VisionFlow.Server.Health;

/// <summary>Reports the live state of one subsystem; probes must be cheap and never throw.</summary>
internal interface ISubsystemProbe
{
    /// <summary>Reads the subsystem's current state.</summary>
    SubsystemStatus Probe();
}

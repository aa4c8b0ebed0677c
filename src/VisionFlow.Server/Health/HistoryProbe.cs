using VisionFlow.Server.History;

namespace VisionFlow.Server.Health;

/// <summary>History: recording, paused and why (<c>paused (disk full)</c>), replaying, or off.</summary>
internal sealed class HistoryProbe(HistoryService history) : ISubsystemProbe
{
    public SubsystemStatus Probe() => history.Probe();
}

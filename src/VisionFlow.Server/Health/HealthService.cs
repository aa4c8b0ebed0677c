using VisionFlow.Server.Hosting;

namespace VisionFlow.Server.Health;

/// <summary>Builds the health report from every registered probe.</summary>
internal sealed class HealthService(IEnumerable<ISubsystemProbe> probes, ServiceClock clock)
{
    private readonly ISubsystemProbe[] _probes = probes.ToArray();

    public HealthReport Report()
    {
        var statuses = new SubsystemStatus[_probes.Length];
        var healthy = true;
        for (var i = 0; i < _probes.Length; i++)
        {
            statuses[i] = _probes[i].Probe();
            healthy &= statuses[i].State is SubsystemState.Up or SubsystemState.Disabled;
        }

        return new HealthReport(
            healthy ? "ok" : "degraded",
            "visionflow",
            BuildInfo.Version,
            clock.StartedAt,
            Math.Round(clock.Uptime.TotalSeconds, 3),
            statuses);
    }
}

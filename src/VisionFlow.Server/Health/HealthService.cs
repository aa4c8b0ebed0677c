using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Health;

/// <summary>
/// Builds the health report, and the orchestrator's liveness and readiness answers, from the probes
/// (<see cref="HealthProbes"/>). The host's instance and the one the early listener answers with before the host exists
/// differ only in their HTTP probe and in the stop they watch.
/// </summary>
internal sealed class HealthService(IReadOnlyList<ISubsystemProbe> probes, ServiceClock clock, CancellationToken stopping)
{
    /// <summary>
    /// What readiness requires: the HTTP surface and a running layout, i.e. the viewer, the stream and the knowledge graph
    /// can be served. Not MCP: every replica shares the one MCP server, so an MCP outage would take every replica out of
    /// the Service at once, viewer and knowledge graph included, while each of them still serves them and reports the
    /// outage truthfully (degradation level, 503 on commands); an orchestrator can fix neither by rerouting.
    /// </summary>
    private static readonly string[] ReadinessRequires = ["http", "physics"];

    private static readonly ProbeReport Live = new("live", null, []);

    private readonly ISubsystemProbe[] _probes = probes.ToArray();

    /// <summary>Liveness: answering at all is the whole check (a wedged process does not answer and is restarted).</summary>
    public ProbeReport Liveness() => Live;

    /// <summary>Readiness: true when every required subsystem is up and no stop has begun.</summary>
    public (bool Ready, ProbeReport Report) Readiness()
    {
        var checks = new List<SubsystemStatus>(ReadinessRequires.Length);
        string? reason = null;
        foreach (var probe in _probes)
        {
            var status = probe.Probe();
            if (Array.IndexOf(ReadinessRequires, status.Name) < 0)
            {
                continue;
            }

            checks.Add(status);
            if (status.State != SubsystemState.Up)
            {
                reason ??= $"{status.Name} is {status.State.ToString().ToLowerInvariant()}: {status.Detail}";
            }
        }

        if (stopping.IsCancellationRequested)
        {
            reason = "stopping";
        }

        return reason is null ? (true, new ProbeReport("ready", null, checks)) : (false, new ProbeReport("not_ready", reason, checks));
    }

    public HealthReport Report()
    {
        var statuses = new SubsystemStatus[_probes.Length];
        bool unhealthy = false, starting = false;
        for (var i = 0; i < _probes.Length; i++)
        {
            statuses[i] = _probes[i].Probe();
            unhealthy |= statuses[i].State is SubsystemState.Down or SubsystemState.Degraded;
            starting |= statuses[i].State is SubsystemState.Starting;
        }

        // "starting" only while nothing is known to be wrong: a subsystem down during start-up is still reported as such.
        return new HealthReport(
            unhealthy ? "degraded" : starting ? "starting" : "ok",
            "visionflow",
            BuildInfo.Version,
            clock.StartedAt,
            Math.Round(clock.Uptime.TotalSeconds, 3),
            statuses);
    }
}

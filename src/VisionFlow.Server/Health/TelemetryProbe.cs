using VisionFlow.Connections.Link;
using VisionFlow.Server.Mcp;

namespace VisionFlow.Server.Health;

/// <summary>The telemetry feed into the agent graph: push or poll, and how much was accepted or refused.</summary>
internal sealed class TelemetryProbe(McpServices mcp) : ISubsystemProbe
{
    public SubsystemStatus Probe()
    {
        var c = mcp.Intake.Counters;
        var link = mcp.Link.Status;
        var snapshot = mcp.Intake.Cache.Snapshot;
        var detail = $"mode={link.TelemetryName} agents={snapshot.Agents.Count}/{snapshot.MaxAgents} over_limit={snapshot.Untracked} events={c.EventsAccepted} refused={c.Refused}";
        var state = link.State == McpLinkState.Disabled ? SubsystemState.Disabled
            : snapshot.Available ? SubsystemState.Up : SubsystemState.Down;
        return new("telemetry", state, detail);
    }
}

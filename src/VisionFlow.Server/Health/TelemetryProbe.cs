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
        var cache = mcp.Intake.Cache; // published counts: current after every batch, no snapshot needed
        var detail = $"mode={link.TelemetryName} agents={cache.Count}/{cache.MaxAgents} over_limit={cache.Untracked} events={c.EventsAccepted} refused={c.Refused}";
        var state = link.State == McpLinkState.Disabled ? SubsystemState.Disabled
            : cache.IsAvailable ? SubsystemState.Up : SubsystemState.Down;
        return new("telemetry", state, detail);
    }
}

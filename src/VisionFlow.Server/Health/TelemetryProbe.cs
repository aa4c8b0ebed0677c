using VisionFlow.Connections.Link;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Health;

/// <summary>The telemetry feed into the agent graph: push or poll, and how much was accepted or refused.</summary>
internal sealed class TelemetryProbe(RuntimeStart runtime, ServerOptions options) : ISubsystemProbe
{
    public SubsystemStatus Probe()
    {
        if (runtime.Mcp is not { } mcp)
        {
            // Switched off is known before anything is built.
            return options.EnableMcp ? RuntimeProbe.NotYet("telemetry", runtime) : new("telemetry", SubsystemState.Disabled, RuntimeProbe.McpDisabled);
        }

        var c = mcp.Intake.Counters;
        var link = mcp.Link.Status;
        var cache = mcp.Intake.Cache; // published counts: current after every batch, no snapshot needed
        var detail = $"mode={link.TelemetryName} agents={cache.Count}/{cache.MaxAgents} over_limit={cache.Untracked} events={c.EventsAccepted} refused={c.Refused}";
        var state = link.State == McpLinkState.Disabled ? SubsystemState.Disabled
            : cache.IsAvailable ? SubsystemState.Up : SubsystemState.Down;
        return new("telemetry", state, detail);
    }
}

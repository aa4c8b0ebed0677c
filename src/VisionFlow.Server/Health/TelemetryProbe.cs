using VisionFlow.Server.Mcp;

namespace VisionFlow.Server.Health;

/// <summary>The telemetry feed into the agent graph: push or poll, and how much was accepted or refused.</summary>
internal sealed class TelemetryProbe(McpGateway gateway) : ISubsystemProbe
{
    public SubsystemStatus Probe()
    {
        var c = gateway.Intake.Counters;
        var snapshot = gateway.Intake.Cache.Snapshot;
        var detail = $"mode={gateway.Telemetry.Mode} agents={snapshot.Agents.Count}/{snapshot.MaxAgents} events={c.EventsAccepted} refused={c.Refused} over_limit={snapshot.RejectedOverLimit}";
        var state = gateway.State == McpLinkState.Disabled ? SubsystemState.Disabled
            : snapshot.Available ? SubsystemState.Up : SubsystemState.Down;
        return new("telemetry", state, detail);
    }
}

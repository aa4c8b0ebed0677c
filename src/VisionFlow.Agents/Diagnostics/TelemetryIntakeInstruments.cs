using System.Diagnostics.Metrics;
using VisionFlow.Agents.Intake;

namespace VisionFlow.Agents.Diagnostics;

/// <summary>
/// The telemetry intake's instruments on the <see cref="MeterName"/> meter: events, lines, batches, refusals, the push
/// backlog (the intake's lag behind the socket) and the agent cache. All are observable: they read the counters the
/// intake's loop already keeps, so ingest does no extra work for them.
/// </summary>
/// <remarks>Names map onto the <c>/metrics</c> families the service has always exposed (see <c>McpLinkInstruments</c>).</remarks>
public static class TelemetryIntakeInstruments
{
    /// <summary>The agents layer's meter name.</summary>
    public const string MeterName = "VisionFlow.Agents";

    /// <summary>Observes <paramref name="intake"/> on <paramref name="meter"/>.</summary>
    public static void Observe(Meter meter, TelemetryIntake intake)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(intake);
        meter.CreateObservableCounter("visionflow.telemetry.lines", () => intake.Counters.Lines, "{line}", "Telemetry lines received.");
        meter.CreateObservableCounter("visionflow.telemetry.events.accepted", () => intake.Counters.EventsAccepted, "{event}", "Telemetry events applied to the agent cache.");
        meter.CreateObservableCounter("visionflow.telemetry.events.refused", () => intake.Counters.Refused, "{event}", "Telemetry events refused (malformed, unknown, over capacity).");
        meter.CreateObservableCounter("visionflow.telemetry.agent_lists", () => intake.Counters.AgentListsParsed, "{list}", "Polled agent lists parsed.");
        meter.CreateObservableCounter("visionflow.telemetry.batches", () => intake.Counters.Batches, "{batch}", "Telemetry batches applied.");
        meter.CreateObservableCounter("visionflow.telemetry.change_sets", () => intake.Counters.ChangeSetsPublished, "{batch}", "Batches that changed the agents and were published downstream.");
        meter.CreateObservableUpDownCounter("visionflow.telemetry.backlog", () => intake.PushBacklogBytes, "By", "Pushed telemetry received but not yet applied (the intake's lag behind the socket).");
        meter.CreateObservableUpDownCounter("visionflow.agents", () => intake.Cache.Snapshot.Agents.Count, "{agent}", "Agents in the cache.");
        meter.CreateObservableGauge("visionflow.agents.max", () => intake.Cache.Snapshot.MaxAgents, "{agent}", "MCP_MAX_AGENTS.");
        meter.CreateObservableUpDownCounter("visionflow.agents.over_limit", () => intake.Cache.Snapshot.Untracked, "{agent}", "Agents the MCP server reports beyond MCP_MAX_AGENTS (not shown).");
        meter.CreateObservableCounter("visionflow.agents.rejected_over_limit", () => intake.Cache.Snapshot.RejectedOverLimit, "{agent}", "Agents turned away by MCP_MAX_AGENTS so far.");
        meter.CreateObservableCounter("visionflow.telemetry.push_dropped", () => intake.PushDropped, "{line}", "Pushed lines dropped (an ended session's, or the buffer was full).");
    }
}

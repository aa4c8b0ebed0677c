using System.Text;
using VisionFlow.Connections.Link;
using VisionFlow.Connections.Metrics;
using VisionFlow.Server.Graph;
using VisionFlow.Server.Mcp;

namespace VisionFlow.Server.Metrics;

/// <summary>Resilience, pool, telemetry and physics figures for <c>/metrics</c>, read from the live components' snapshots.</summary>
internal sealed class RuntimeMetrics(McpServices mcp, GraphService graph) : IMetricsSource
{
    public void WriteMetrics(PrometheusWriter writer)
    {
        var sb = new StringBuilder(4096);
        NetworkResilienceMetricsWriter.WritePrometheus(sb, mcp.Link);
        writer.Raw(sb.ToString());

        var c = mcp.Intake.Counters;
        writer.Counter("visionflow_telemetry_lines_total", "Telemetry lines received.", c.Lines);
        writer.Counter("visionflow_telemetry_events_accepted_total", "Telemetry events applied to the agent cache.", c.EventsAccepted);
        writer.Counter("visionflow_telemetry_events_refused_total", "Telemetry events refused (malformed, unknown, over capacity).", c.Refused);
        writer.Counter("visionflow_telemetry_agent_lists_total", "Polled agent lists parsed.", c.AgentListsParsed);
        writer.Counter("visionflow_telemetry_batches_total", "Telemetry batches applied.", c.Batches);
        var snapshot = mcp.Intake.Cache.Snapshot;
        writer.Gauge("visionflow_agents", "Agents in the cache.", snapshot.Agents.Count);
        writer.Gauge("visionflow_agents_max", "MCP_MAX_AGENTS.", snapshot.MaxAgents);
        writer.Gauge("visionflow_agents_over_limit", "Agents the MCP server reports beyond MCP_MAX_AGENTS (not shown).", snapshot.Untracked);
        writer.Counter("visionflow_agents_rejected_over_limit_total", "Agents turned away by MCP_MAX_AGENTS so far.", snapshot.RejectedOverLimit);
        writer.Counter("visionflow_telemetry_push_dropped_total", "Pushed lines dropped (an ended session's, or the buffer was full).", mcp.Intake.PushDropped);
        writer.Gauge("visionflow_mcp_connected", "1 when an MCP server is connected.", mcp.Link.Status.State == McpLinkState.Connected ? 1 : 0);

        var p = graph.Physics.Status;
        writer.Family("visionflow_physics_backend", "gauge", "Physics backend in use (1 for the active one).");
        writer.Sample("visionflow_physics_backend", "backend", p.BackendName, "device", string.IsNullOrEmpty(p.DeviceName) ? "cpu" : p.DeviceName, 1);
        writer.Counter("visionflow_physics_steps_total", "Physics steps run.", p.Steps);
        writer.Gauge("visionflow_physics_step_p50_microseconds", "Median physics step time.", p.StepP50Microseconds);
        writer.Gauge("visionflow_physics_step_p99_microseconds", "99th percentile physics step time.", p.StepP99Microseconds);
        writer.Gauge("visionflow_physics_nodes", "Nodes in the layout.", p.NodeCount);
        writer.Gauge("visionflow_physics_edges", "Edges in the layout.", p.EdgeCount);
    }
}

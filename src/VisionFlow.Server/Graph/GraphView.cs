using VisionFlow.Agents.Cache;
using VisionFlow.Agents.Graph;

namespace VisionFlow.Server.Graph;

/// <summary>Body of <c>GET /api/graph</c>: both graphs as handed to physics, with why a part is missing.</summary>
/// <param name="Version">Increases with every rebuild.</param>
/// <param name="Nodes">Knowledge nodes (bit 31 clear), then agent nodes (bit 31 set), then the agent graph's hubs: swarms
/// (<c>0xC0000000 | key</c>) and open tasks (<c>0xE0000000 | key</c>).</param>
/// <param name="Edges">Note links, message-flow edges, membership (agent to swarm) and assignment (task to agent).</param>
/// <param name="KnowledgeGraphEnabled">False in SafeMode.</param>
/// <param name="AgentGraphAvailable">False when MCP is down or the degradation level switches the agent graph off.</param>
/// <param name="AgentGraphUnavailableReason">Why there are no agents, when there are none for a reason.</param>
internal sealed record GraphView(
    long Version,
    IReadOnlyList<GraphNodeView> Nodes,
    IReadOnlyList<GraphEdgeView> Edges,
    bool KnowledgeGraphEnabled,
    bool AgentGraphAvailable,
    string? AgentGraphUnavailableReason)
{
    /// <summary>
    /// Renders one publication of the dual graph: every node with its kind and label, every edge with its kind; the agents'
    /// labels and flags from <paramref name="agents"/> (the agent snapshot read for this request; null when the agent
    /// graph is off).
    /// </summary>
    public static GraphView Of(DualGraphSnapshot build, AgentSnapshot? agents)
    {
        ArgumentNullException.ThrowIfNull(build);
        var knowledge = build.Knowledge;
        var knowledgeIds = build.KnowledgeIds;
        var shown = build.AgentGraphShown && agents is not null;
        var nodes = new List<GraphNodeView>(knowledgeIds.Length + (shown ? agents!.Agents.Count : 0));
        var edges = new List<GraphEdgeView>((knowledge?.Links.Count ?? 0) + (shown ? agents!.Edges.Count : 0));
        if (knowledge is not null)
        {
            for (var i = 0; i < knowledgeIds.Length; i++)
            {
                nodes.Add(new GraphNodeView(knowledgeIds[i], "knowledge", knowledge.Notes[i].Name, null, null, false));
            }

            foreach (var (from, to) in knowledge.Links)
            {
                edges.Add(new GraphEdgeView(knowledgeIds[from], knowledgeIds[to], 1f, "link"));
            }
        }

        if (shown)
        {
            var byId = new Dictionary<string, uint>(agents!.Agents.Count, StringComparer.Ordinal);
            foreach (var agent in agents.Agents)
            {
                nodes.Add(new GraphNodeView(agent.NodeId, "agent", agent.Id, agent.Status, agent.Type, agent.IsStale));
                byId[agent.Id] = agent.NodeId;
            }

            // As the layout has them: between two shown, distinct agents, weights clamped to what physics accepts.
            foreach (var edge in agents.Edges)
            {
                if (byId.TryGetValue(edge.SourceId, out var a) && byId.TryGetValue(edge.TargetId, out var b) && a != b)
                {
                    edges.Add(new GraphEdgeView(a, b, (float)Math.Clamp(edge.Weight, 0.01, 100), "message_flow"));
                }
            }

            // Hubs: a swarm (its topology as the type) and an open task (its type), joined to their agents.
            var hubIds = build.HubIds;
            var swarms = build.SwarmHubs;
            for (var i = 0; i < swarms.Count; i++)
            {
                nodes.Add(new GraphNodeView(hubIds[i], "swarm", swarms[i].Id, swarms[i].Status, swarms[i].Topology, false));
            }

            var tasks = build.TaskHubs;
            for (var i = 0; i < tasks.Count; i++)
            {
                nodes.Add(new GraphNodeView(hubIds[swarms.Count + i], "task", tasks[i].Id, tasks[i].Status, tasks[i].Type, false));
            }

            // The hubs were placed from an earlier agent snapshot than this request's: only edges to agents shown here.
            var shownAgents = new HashSet<uint>(byId.Values);
            foreach (var (hub, agent, assignment) in build.HubEdges())
            {
                if (shownAgents.Contains(agent)) edges.Add(assignment ? new GraphEdgeView(hub, agent, 1f, "assignment") : new GraphEdgeView(agent, hub, 1f, "membership"));
            }
        }

        return new GraphView(build.Version, nodes, edges, build.KnowledgeGraphEnabled, shown, build.AgentGraphOffReason);
    }
}

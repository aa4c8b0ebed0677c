namespace VisionFlow.Server.Graph;

/// <summary>Body of <c>GET /api/graph</c>: both graphs as handed to physics, with why a part is missing.</summary>
/// <param name="Version">Increases with every rebuild.</param>
/// <param name="Nodes">Knowledge nodes (bit 31 clear) then agent nodes (bit 31 set).</param>
/// <param name="Edges">Note links and message-flow edges.</param>
/// <param name="KnowledgeGraphEnabled">False in SafeMode.</param>
/// <param name="AgentGraphAvailable">False when MCP is down or the degradation level switches the agent graph off.</param>
/// <param name="AgentGraphUnavailableReason">Why there are no agents, when there are none for a reason.</param>
public sealed record GraphView(
    long Version,
    IReadOnlyList<GraphNodeView> Nodes,
    IReadOnlyList<GraphEdgeView> Edges,
    bool KnowledgeGraphEnabled,
    bool AgentGraphAvailable,
    string? AgentGraphUnavailableReason);

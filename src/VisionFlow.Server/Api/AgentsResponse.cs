namespace VisionFlow.Server.Api;

/// <summary>Body of <c>GET /api/bots/agents</c>: the live agent cache, or an empty list with the reason.</summary>
/// <param name="Available">False when no MCP server feeds telemetry (the list is then empty, never invented).</param>
/// <param name="Source">"mcp", "simulator" (the built-in simulator, labelled as such) or "none".</param>
/// <param name="Simulated">True when the agents come from a simulator.</param>
/// <param name="Server">The connected server's description, when connected.</param>
/// <param name="UnavailableReason">Why there are no agents, when unavailable.</param>
/// <param name="Count">Agents in the list.</param>
/// <param name="MaxAgents">MCP_MAX_AGENTS.</param>
/// <param name="AgentsOverLimit">Agents the server reports beyond MCP_MAX_AGENTS right now: they exist and are not in the list.</param>
/// <param name="RejectedOverLimit">Agents turned away by MCP_MAX_AGENTS so far (a running count).</param>
/// <param name="DegradationLevel">Current degradation level.</param>
/// <param name="Agents">The agents.</param>
internal sealed record AgentsResponse(
    bool Available,
    string Source,
    bool Simulated,
    string? Server,
    string? UnavailableReason,
    int Count,
    int MaxAgents,
    int AgentsOverLimit,
    long RejectedOverLimit,
    string DegradationLevel,
    IReadOnlyList<AgentView> Agents);

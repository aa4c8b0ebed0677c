namespace VisionFlow.Server.Api;

/// <summary>Body of <c>GET /api/bots/agents</c>: the live agent cache, or an empty list with the reason.</summary>
/// <param name="Available">False when no MCP server feeds telemetry (the list is then empty, never invented).</param>
/// <param name="Source">"mcp", "simulator" (the built-in simulator, labelled as such) or "none".</param>
/// <param name="Simulated">True when the agents come from a simulator.</param>
/// <param name="Server">The connected server's description, when connected.</param>
/// <param name="UnavailableReason">Why there are no agents, when unavailable.</param>
/// <param name="Count">Agents in the list.</param>
/// <param name="MaxAgents">MCP_MAX_AGENTS.</param>
/// <param name="RejectedOverLimit">Telemetry for agents beyond MCP_MAX_AGENTS, counted rather than dropped silently.</param>
/// <param name="DegradationLevel">Current degradation level.</param>
/// <param name="Agents">The agents.</param>
public sealed record AgentsResponse(
    bool Available,
    string Source,
    bool Simulated,
    string? Server,
    string? UnavailableReason,
    int Count,
    int MaxAgents,
    long RejectedOverLimit,
    string DegradationLevel,
    IReadOnlyList<AgentView> Agents);

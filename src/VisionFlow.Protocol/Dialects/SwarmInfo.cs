namespace VisionFlow.Protocol.Dialects;

/// <summary>A swarm as the product shows it, whichever dialect reported it; null where the server did not say.</summary>
/// <param name="Id">The swarm's id.</param>
/// <param name="Topology">mesh, hierarchical, ring, star, …</param>
/// <param name="Status">The server's status word.</param>
/// <param name="MaxAgents">The swarm's agent limit.</param>
/// <param name="AgentCount">Agents in the swarm.</param>
/// <param name="Strategy">The distribution strategy.</param>
/// <param name="AgentIds">The agents the server reported in the swarm (those spawned with it, after an initialize).</param>
/// <param name="TaskCount">Tasks in the swarm (Claude Flow's <c>swarm_status</c>).</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="Agents">The agents an initialize spawned into it, as the server answered each spawn.</param>
public sealed record SwarmInfo(
    string Id,
    string? Topology,
    string? Status,
    int? MaxAgents,
    int? AgentCount,
    string? Strategy,
    IReadOnlyList<string>? AgentIds = null,
    int? TaskCount = null,
    DateTimeOffset? CreatedAt = null,
    IReadOnlyList<AgentSummary>? Agents = null);

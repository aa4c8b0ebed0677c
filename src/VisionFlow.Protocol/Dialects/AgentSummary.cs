namespace VisionFlow.Protocol.Dialects;

/// <summary>An agent as the product shows it, whichever dialect reported it; null where the server did not say.</summary>
/// <param name="Id">The agent's id.</param>
/// <param name="Type">Its type (Claude Flow's <c>agentType</c>).</param>
/// <param name="Status">The server's status word, as reported (<c>registered</c>, <c>idle</c>, <c>active</c>, …).</param>
/// <param name="SwarmId">The swarm it belongs to.</param>
/// <param name="CpuUsage">CPU usage in percent.</param>
/// <param name="MemoryUsage">Memory in MiB.</param>
/// <param name="TasksActive">Tasks it works on (Claude Flow's <c>taskCount</c>).</param>
/// <param name="TokensUsed">Tokens used so far.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="SessionId">The plain dialect's session id.</param>
/// <param name="Health">Claude Flow's health score, 0 to 1.</param>
/// <param name="Model">Its model (Claude Flow's haiku, sonnet, opus …).</param>
public sealed record AgentSummary(
    string Id,
    string? Type,
    string? Status,
    string? SwarmId,
    double? CpuUsage,
    double? MemoryUsage,
    int? TasksActive,
    long? TokensUsed,
    DateTimeOffset? CreatedAt,
    string? SessionId = null,
    double? Health = null,
    string? Model = null);

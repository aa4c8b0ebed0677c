namespace VisionFlow.Server.Api;

/// <summary>Body of <c>GET /api/bots/status</c>: the MCP link as it is, and what it feeds.</summary>
/// <param name="McpState"><c>disabled</c>, <c>connecting</c>, <c>connected</c>, <c>reconnecting</c> or <c>unavailable</c>.</param>
/// <param name="McpDetail">One line: what the link is doing and why.</param>
/// <param name="McpAddress">The configured server, <c>host:port</c>.</param>
/// <param name="Server">The connected server's description; null unless connected.</param>
/// <param name="Dialect"><c>mcp</c> or <c>plain</c>; null unless connected.</param>
/// <param name="Simulated">True when the connected server is the built-in simulator.</param>
/// <param name="TelemetryMode"><c>push</c>, <c>poll</c>, <c>unsupported</c>, <c>unavailable</c> or <c>disabled</c>.</param>
/// <param name="LastFailure">Why the link is (or last was) down; null when it never failed.</param>
/// <param name="RetryIntervalMs">While unavailable, the wait before the next attempt; else null.</param>
/// <param name="NextAttemptAt">While unavailable, when the next attempt starts; else null.</param>
/// <param name="ConnectedSince">When the open session started; null when none is open.</param>
/// <param name="DegradationLevel">snake_case degradation level.</param>
/// <param name="DegradationMessage">What the level switches off.</param>
/// <param name="AgentCount">Agents shown.</param>
/// <param name="AgentsOverLimit">Agents the server reports beyond <c>MCP_MAX_AGENTS</c> (exist, not shown).</param>
/// <param name="MaxAgents"><c>MCP_MAX_AGENTS</c>.</param>
/// <param name="AgentGraphAvailable">Whether the agent graph is shown.</param>
/// <param name="TelemetryLinesAccepted">Telemetry events accepted so far.</param>
/// <param name="TelemetryLinesRefused">Telemetry lines refused (malformed, unknown, too long).</param>
/// <param name="AgentTypes">The agent types the connected server accepts, learnt this session (its schema's enum, else its own
/// validation message); null while it has not said. The simulator reports its own.</param>
/// <param name="AgentTypesSource"><c>schema</c> or <c>validation</c>: where <see cref="AgentTypes"/> came from; null while unknown.</param>
internal sealed record BotsStatusResponse(
    string McpState,
    string McpDetail,
    string McpAddress,
    string? Server,
    string? Dialect,
    bool Simulated,
    string TelemetryMode,
    LinkFailureView? LastFailure,
    long? RetryIntervalMs,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? ConnectedSince,
    string DegradationLevel,
    string DegradationMessage,
    int AgentCount,
    int AgentsOverLimit,
    int MaxAgents,
    bool AgentGraphAvailable,
    long TelemetryLinesAccepted,
    long TelemetryLinesRefused,
    IReadOnlyList<string>? AgentTypes,
    string? AgentTypesSource);

/// <summary>A classified link failure: <c>kind</c> (refused, timeout, reset, closed, dns, unreachable, auth, protocol, …), message, when.</summary>
internal sealed record LinkFailureView(string Kind, string Message, DateTimeOffset? At);

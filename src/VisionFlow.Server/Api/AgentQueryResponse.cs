using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Server.Api;

/// <summary>Body of <c>GET /api/bots/agents?filter=…&amp;limit=…</c>: the server's own <c>agent.list</c> answer for that query.</summary>
internal sealed record AgentQueryResponse(string? Filter, int? Limit, int Count, IReadOnlyList<AgentSummary> Agents);

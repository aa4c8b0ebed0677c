namespace VisionFlow.Server.Api;

/// <summary>Body of <c>POST /api/bots/multi-agent/init</c>.</summary>
internal sealed record SwarmInitBody(string? Topology, int? MaxAgents, IReadOnlyList<string>? AgentTypes, string? Strategy, string? Task);

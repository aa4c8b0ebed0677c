namespace VisionFlow.Protocol.Dialects;

/// <summary>A swarm as the product shows it, whichever dialect reported it.</summary>
public sealed record SwarmInfo(string Id, string? Topology, string? Status, int? MaxAgents, int? AgentCount, string? Strategy);

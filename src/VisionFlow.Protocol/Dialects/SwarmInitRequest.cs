namespace VisionFlow.Protocol.Dialects;

/// <summary>What the product asks for when it starts a swarm.</summary>
/// <param name="Topology">mesh, hierarchical, ring, star, …</param>
/// <param name="MaxAgents">Upper bound on the swarm's agents.</param>
/// <param name="Strategy">Claude Flow's strategy (specialized, balanced, adaptive), when given.</param>
/// <param name="AgentTypes">Agent types to spawn into the swarm right away.</param>
/// <param name="Task">Task the swarm works on, when given.</param>
public sealed record SwarmInitRequest(string Topology, int MaxAgents, string? Strategy, IReadOnlyList<string> AgentTypes, string? Task);

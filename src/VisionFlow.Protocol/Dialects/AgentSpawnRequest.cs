namespace VisionFlow.Protocol.Dialects;

/// <summary>What to spawn: the agent type, and optionally its swarm, first task and model settings (the wire contract's <c>config</c>).</summary>
public sealed record AgentSpawnRequest(string Type, string? SwarmId = null, string? Task = null, int? MaxTokens = null, double? Temperature = null);

namespace VisionFlow.Protocol.Dialects;

/// <summary>
/// What to spawn: the agent type, and optionally its swarm, first task, model settings (the wire contract's
/// <c>config</c>) and model (Claude Flow's <c>model</c>: haiku, sonnet, opus, …).
/// </summary>
public sealed record AgentSpawnRequest(string Type, string? SwarmId = null, string? Task = null, int? MaxTokens = null, double? Temperature = null, string? Model = null);

namespace VisionFlow.Server.Api;

/// <summary>Body of <c>POST /api/bots/agents</c>: <c>{type, swarm_id?, task?, model?, config?: {max_tokens?, temperature?}}</c>.</summary>
internal sealed record AgentSpawnBody(string? Type, string? SwarmId, string? Task, AgentSpawnConfig? Config = null, string? Model = null);

/// <summary>The wire contract's agent <c>config</c>: model settings for the agent.</summary>
internal sealed record AgentSpawnConfig(int? MaxTokens, double? Temperature);

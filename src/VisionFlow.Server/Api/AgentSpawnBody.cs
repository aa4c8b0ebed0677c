namespace VisionFlow.Server.Api;

/// <summary>Body of <c>POST /api/bots/agents</c>.</summary>
public sealed record AgentSpawnBody(string? Type, string? SwarmId, string? Task);

namespace VisionFlow.Server.Api;

/// <summary>Body of <c>POST /api/bots/tasks</c>.</summary>
internal sealed record TaskCreateBody(string? Description, string? Priority, IReadOnlyList<string>? AgentIds);

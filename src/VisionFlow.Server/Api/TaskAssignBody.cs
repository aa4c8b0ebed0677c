namespace VisionFlow.Server.Api;

/// <summary>Body of <c>POST /api/bots/tasks/{id}/assign</c>: the agents the task goes to (Claude Flow's <c>task_assign</c>).</summary>
internal sealed record TaskAssignBody(IReadOnlyList<string>? AgentIds);

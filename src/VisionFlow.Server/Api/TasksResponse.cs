using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Server.Api;

/// <summary>Body of <c>GET /api/bots/tasks</c>: the server's own task listing (Claude Flow's <c>task_list</c>, newest first).</summary>
/// <param name="Server">The server that answered.</param>
/// <param name="Simulated">True when it is the built-in simulator.</param>
/// <param name="Total">How many tasks the server says it has; null when it does not say.</param>
/// <param name="Count">Tasks listed.</param>
/// <param name="Tasks">The tasks.</param>
internal sealed record TasksResponse(string? Server, bool Simulated, int? Total, int Count, IReadOnlyList<TaskSummary> Tasks);

/// <summary>
/// Body of <c>GET /api/bots/swarms</c>: the swarms the server shows. Claude Flow 3.x lists none: its newest swarm
/// (<c>swarm_status</c>) and every swarm the live agents name are read, and <see cref="Total"/> is how many it says it has.
/// </summary>
/// <param name="Server">The server that answered.</param>
/// <param name="Simulated">True when it is the built-in simulator.</param>
/// <param name="Total">How many swarms the server says it has (<c>totalSwarms</c>); null when it does not say.</param>
/// <param name="Count">Swarms listed.</param>
/// <param name="Complete">True when every swarm the server has is listed; false when it has more than were read; null when unknown.</param>
/// <param name="Swarms">The swarms.</param>
internal sealed record SwarmsResponse(string? Server, bool Simulated, int? Total, int Count, bool? Complete, IReadOnlyList<SwarmInfo> Swarms);

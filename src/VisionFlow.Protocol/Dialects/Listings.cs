namespace VisionFlow.Protocol.Dialects;

/// <summary>The server's task listing (Claude Flow's <c>task_list</c>, newest first).</summary>
/// <param name="Tasks">The tasks listed.</param>
/// <param name="Total">How many tasks the server says it has (null when it does not say).</param>
public sealed record TaskListing(IReadOnlyList<TaskSummary> Tasks, int? Total);

/// <summary>
/// The swarms the server shows. Claude Flow 3.x has no swarm listing: <c>swarm_status</c> answers its newest swarm and
/// how many it has (<see cref="Total"/>); the others are read one by one when their ids are known.
/// </summary>
/// <param name="Swarms">The swarms read.</param>
/// <param name="Total">How many swarms the server says it has (null when it does not say).</param>
public sealed record SwarmListing(IReadOnlyList<SwarmInfo> Swarms, int? Total);

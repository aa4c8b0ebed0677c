namespace VisionFlow.Protocol.Dialects;

/// <summary>
/// The product's one typed API for swarm, agent and task operations. Each dialect has its own implementation
/// (<see cref="McpSwarmClient"/>, <see cref="PlainSwarmClient"/>), made by <see cref="ServerProfile.CreateClient"/>; both
/// report a missing operation as <see cref="OperationNotOfferedException"/>, an unknown id as a not-found
/// <see cref="ToolFailedException"/>, and a refusal by the server as a <see cref="ToolFailedException"/>.
/// </summary>
public interface ISwarmClient
{
    /// <summary>The server this client talks to.</summary>
    ServerProfile Profile { get; }

    /// <summary>Liveness probe.</summary>
    ValueTask PingAsync(CancellationToken cancellationToken);

    /// <summary>Creates a swarm, then spawns the requested agent types into it.</summary>
    ValueTask<SwarmInfo> InitializeSwarmAsync(SwarmInitRequest request, CancellationToken cancellationToken);

    /// <summary>Reads a swarm; an unknown id is not found (never another swarm).</summary>
    ValueTask<SwarmInfo> GetSwarmAsync(string swarmId, CancellationToken cancellationToken);

    /// <summary>Shuts a swarm down; an unknown id is not found (never another swarm).</summary>
    ValueTask DissolveSwarmAsync(string swarmId, CancellationToken cancellationToken);

    /// <summary>Creates an agent.</summary>
    ValueTask<AgentSummary> SpawnAgentAsync(AgentSpawnRequest request, CancellationToken cancellationToken);

    /// <summary>Lists the server's agents, narrowed by <paramref name="query"/> when given.</summary>
    ValueTask<IReadOnlyList<AgentSummary>> ListAgentsAsync(AgentListQuery? query, CancellationToken cancellationToken);

    /// <summary>
    /// The agent listing as the server sent it (UTF-8 JSON), for the telemetry intake, which parses it straight from the
    /// bytes: a session starts with it, and servers without push are polled with it.
    /// </summary>
    ValueTask<byte[]> ListAgentsRawAsync(CancellationToken cancellationToken);

    /// <summary>Reads one agent.</summary>
    ValueTask<AgentSummary> GetAgentAsync(string agentId, CancellationToken cancellationToken);

    /// <summary>Stops an agent.</summary>
    ValueTask TerminateAgentAsync(string agentId, CancellationToken cancellationToken);

    /// <summary>Creates a task, assigned to <paramref name="agentIds"/> when given.</summary>
    ValueTask<TaskSummary> CreateTaskAsync(string description, string? priority, IReadOnlyList<string> agentIds, CancellationToken cancellationToken);

    /// <summary>Reads a task's progress.</summary>
    ValueTask<TaskSummary> GetTaskAsync(string taskId, CancellationToken cancellationToken);

    /// <summary>Cancels a task.</summary>
    ValueTask<TaskSummary> CancelTaskAsync(string taskId, CancellationToken cancellationToken);

    /// <summary>
    /// The server's task listing (Claude Flow's <c>task_list</c>, newest first) and how many tasks it says it has (null
    /// when it does not say); not offered where the server has none.
    /// </summary>
    ValueTask<(IReadOnlyList<TaskSummary> Tasks, int? Total)> ListTasksAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The swarms the server shows, and those of <paramref name="knownSwarmIds"/> it still has, with how many it says it
    /// has. Claude Flow 3.x lists none: <c>swarm_status</c> answers its newest swarm and <c>totalSwarms</c>.
    /// </summary>
    ValueTask<(IReadOnlyList<SwarmInfo> Swarms, int? Total)> ListSwarmsAsync(IReadOnlyCollection<string> knownSwarmIds, CancellationToken cancellationToken);

    /// <summary>Assigns an existing task to <paramref name="agentIds"/>; answers the task as it now is.</summary>
    ValueTask<TaskSummary> AssignTaskAsync(string taskId, IReadOnlyList<string> agentIds, CancellationToken cancellationToken);
}

namespace VisionFlow.Protocol.Dialects;

/// <summary>
/// What a member of an agent, swarm, task or telemetry object means, whatever the dialect calls it
/// (<see cref="WireVocabulary"/>). Which object it sits in decides the rest: <see cref="Id"/> is the agent's id in an
/// agent, the swarm's in a swarm; <see cref="TaskCount"/> is an agent's active tasks or a swarm's tasks.
/// </summary>
public enum WireField : byte
{
    /// <summary>A member the product does not read.</summary>
    None = 0,

    /// <summary><c>id</c>: the object's own id, whatever it is.</summary>
    Id,

    /// <summary><c>agentId</c>, <c>agent_id</c>.</summary>
    AgentId,

    /// <summary><c>swarmId</c>, <c>swarm_id</c>, <c>swarm</c>, <c>multi-agent_id</c>.</summary>
    SwarmId,

    /// <summary><c>taskId</c>, <c>task_id</c>, <c>orchestrationId</c>.</summary>
    TaskId,

    /// <summary><c>agentType</c>, <c>agent_type</c>, <c>type</c>.</summary>
    Type,

    /// <summary><c>status</c>, <c>state</c>.</summary>
    Status,

    /// <summary>CPU usage in percent: <c>cpu_usage</c>, <c>cpuUsage</c>, <c>cpu</c>.</summary>
    CpuUsage,

    /// <summary>Memory in MiB: <c>memory_usage</c>, <c>memoryUsage</c>, <c>memory</c>.</summary>
    MemoryUsage,

    /// <summary>An agent's tasks in progress: <c>tasks_active</c>, <c>tasksActive</c>, <c>activeTasks</c>, <c>active_tasks</c>.</summary>
    TasksActive,

    /// <summary>
    /// Claude Flow's <c>taskCount</c> (<c>task_count</c>): an agent's tasks, shown as its active tasks unless the object also
    /// says <see cref="TasksActive"/> (the simulator sends both); a swarm's tasks.
    /// </summary>
    TaskCount,

    /// <summary>Tokens used: <c>tokens_used</c>, <c>tokensUsed</c>, <c>tokens</c>.</summary>
    TokensUsed,

    /// <summary>Claude Flow's health score, 0 to 1: <c>health</c>, <c>healthScore</c>, <c>health_score</c>.</summary>
    Health,

    /// <summary>When the object was made: <c>createdAt</c>, <c>created_at</c>.</summary>
    CreatedAt,

    /// <summary>The agent's model (<c>model</c>: Claude Flow's haiku, sonnet, opus …).</summary>
    Model,

    /// <summary>The plain dialect's agent session: <c>session_id</c>, <c>sessionId</c>.</summary>
    SessionId,

    /// <summary>A message's sender: <c>from</c>, <c>source</c>, <c>sender</c>, <c>fromAgent</c>, <c>from_agent</c>.</summary>
    From,

    /// <summary>A message's receiver: <c>to</c>, <c>target</c>, <c>receiver</c>, <c>toAgent</c>, <c>to_agent</c>.</summary>
    To,

    /// <summary><c>messageType</c>, <c>message_type</c>.</summary>
    MessageType,

    /// <summary>A message's size in bytes: <c>size</c>, <c>bytes</c>, <c>messageSize</c>, <c>message_size</c>.</summary>
    Size,

    /// <summary>A metric's <c>value</c>.</summary>
    Value,

    /// <summary>When an event happened: <c>timestamp</c>.</summary>
    Timestamp,

    /// <summary><c>topology</c>.</summary>
    Topology,

    /// <summary><c>maxAgents</c>, <c>max_agents</c>.</summary>
    MaxAgents,

    /// <summary><c>agentCount</c>, <c>agent_count</c>.</summary>
    AgentCount,

    /// <summary><c>strategy</c>.</summary>
    Strategy,

    /// <summary><c>agents</c>: a swarm's members (objects or ids).</summary>
    Agents,

    /// <summary><c>totalSwarms</c>, <c>total_swarms</c>: how many swarms the server has.</summary>
    TotalSwarms,

    /// <summary>A task's <c>description</c>.</summary>
    Description,

    /// <summary><c>task</c>: a task's text in the plain dialect (and an agent's first task).</summary>
    TaskText,

    /// <summary><c>priority</c>.</summary>
    Priority,

    /// <summary>A task's <c>progress</c> (Claude Flow: 0-100; the plain dialect: 0-1).</summary>
    Progress,

    /// <summary>A task's agents: <c>assignedTo</c>, <c>assigned_to</c>, <c>agentIds</c>, <c>agent_ids</c>.</summary>
    AssignedTo,

    /// <summary><c>updatedAt</c>, <c>updated_at</c>.</summary>
    UpdatedAt,
}

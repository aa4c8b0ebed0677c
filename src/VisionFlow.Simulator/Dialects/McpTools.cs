namespace VisionFlow.Simulator.Dialects;

/// <summary>The MCP tools the simulator offers: claude-flow 3.43.0's names, argument and result shapes.</summary>
public static class McpTools
{
    /// <summary><c>swarm_init {topology?, maxAgents?, strategy?}</c>.</summary>
    public const string SwarmInit = "swarm_init";

    /// <summary><c>swarm_status {swarmId?}</c>.</summary>
    public const string SwarmStatus = "swarm_status";

    /// <summary><c>swarm_shutdown {swarmId?, graceful?}</c>.</summary>
    public const string SwarmShutdown = "swarm_shutdown";

    /// <summary><c>swarm_health {swarmId?}</c>.</summary>
    public const string SwarmHealth = "swarm_health";

    /// <summary><c>agent_spawn {agentType, agentId?, swarmId?, model?}</c>.</summary>
    public const string AgentSpawn = "agent_spawn";

    /// <summary><c>agent_list {status?, includeTerminated?}</c>.</summary>
    public const string AgentList = "agent_list";

    /// <summary><c>agent_status {agentId}</c>.</summary>
    public const string AgentStatus = "agent_status";

    /// <summary><c>agent_terminate {agentId}</c>.</summary>
    public const string AgentTerminate = "agent_terminate";

    /// <summary><c>task_create {type, description, priority?, assignTo?, tags?}</c>.</summary>
    public const string TaskCreate = "task_create";

    /// <summary><c>task_status {taskId}</c>.</summary>
    public const string TaskStatus = "task_status";

    /// <summary><c>task_list {status?, type?, assignedTo?, priority?, limit?}</c>.</summary>
    public const string TaskList = "task_list";

    /// <summary><c>task_assign {taskId, agentIds?, unassign?}</c>.</summary>
    public const string TaskAssign = "task_assign";

    /// <summary><c>task_update {taskId, status?, progress?, assignTo?}</c>.</summary>
    public const string TaskUpdate = "task_update";

    /// <summary><c>task_complete {taskId, result?}</c>.</summary>
    public const string TaskComplete = "task_complete";

    /// <summary><c>task_cancel {taskId, reason?}</c>.</summary>
    public const string TaskCancel = "task_cancel";

    /// <summary><c>coordination_orchestrate {task, agents?, strategy?}</c>.</summary>
    public const string CoordinationOrchestrate = "coordination_orchestrate";

    /// <summary><c>system_metrics {}</c>.</summary>
    public const string SystemMetrics = "system_metrics";

    /// <summary><c>system_status {}</c>.</summary>
    public const string SystemStatus = "system_status";

    /// <summary>Every tool, in <c>tools/list</c> order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        SwarmInit, SwarmStatus, SwarmShutdown, SwarmHealth, AgentSpawn, AgentList, AgentStatus, AgentTerminate,
        TaskCreate, TaskStatus, TaskList, TaskAssign, TaskUpdate, TaskComplete, TaskCancel, CoordinationOrchestrate,
        SystemMetrics, SystemStatus,
    ];
}

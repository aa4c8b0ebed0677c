namespace VisionFlow.Simulator;

/// <summary>The seed's plain JSON-RPC method names the simulator answers.</summary>
public static class PlainMethods
{
    /// <summary><c>agent.spawn {type, task?, config?, swarm_id?}</c>.</summary>
    public const string AgentSpawn = "agent.spawn";

    /// <summary><c>agent.list {filter?, limit?}</c>.</summary>
    public const string AgentList = "agent.list";

    /// <summary><c>agent.terminate {agent_id}</c>.</summary>
    public const string AgentTerminate = "agent.terminate";

    /// <summary><c>agent.status {agent_id}</c>.</summary>
    public const string AgentStatus = "agent.status";

    /// <summary><c>multi-agent.initialize {topology, agents, task?, strategy?, max_agents?}</c>.</summary>
    public const string MultiAgentInitialize = "multi-agent.initialize";

    /// <summary><c>multi-agent.status {multi-agent_id}</c>.</summary>
    public const string MultiAgentStatus = "multi-agent.status";

    /// <summary><c>multi-agent.dissolve {multi-agent_id}</c>.</summary>
    public const string MultiAgentDissolve = "multi-agent.dissolve";

    /// <summary><c>task.assign {agent_id, task}</c>.</summary>
    public const string TaskAssign = "task.assign";

    /// <summary><c>task.status {task_id}</c>.</summary>
    public const string TaskStatus = "task.status";

    /// <summary><c>task.cancel {task_id}</c>.</summary>
    public const string TaskCancel = "task.cancel";

    /// <summary><c>telemetry.subscribe {events?, interval_ms?}</c>; the transport starts pushing frames.</summary>
    public const string TelemetrySubscribe = "telemetry.subscribe";

    /// <summary><c>system.ping</c>.</summary>
    public const string SystemPing = "system.ping";

    /// <summary>Every plain method.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        AgentSpawn, AgentList, AgentTerminate, AgentStatus, MultiAgentInitialize, MultiAgentStatus, MultiAgentDissolve,
        TaskAssign, TaskStatus, TaskCancel, TelemetrySubscribe, SystemPing,
    ];
}

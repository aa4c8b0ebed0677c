namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>
/// The seed's plain JSON-RPC methods (agents, multi-agent systems, tasks, telemetry), snake_case on the wire.
/// The generator emits <c>PlainDialectMethods</c>, <c>PlainDialectClient</c> and <c>PlainDialectDispatch</c> from it.
/// </summary>
[JsonRpcContract(typeof(PlainDialectJsonContext))]
public interface IPlainDialect
{
    /// <summary>Creates an agent.</summary>
    [JsonRpcMethod("agent.spawn")]
    ValueTask<AgentSpawnResult> SpawnAgentAsync(AgentSpawnParams parameters, CancellationToken cancellationToken = default);

    /// <summary>Lists agents; params may be omitted.</summary>
    [JsonRpcMethod("agent.list")]
    ValueTask<AgentListResult> ListAgentsAsync(AgentListParams? parameters, CancellationToken cancellationToken = default);

    /// <summary>Stops an agent.</summary>
    [JsonRpcMethod("agent.terminate")]
    ValueTask<AgentTerminateResult> TerminateAgentAsync(AgentIdParams parameters, CancellationToken cancellationToken = default);

    /// <summary>Reads one agent's status.</summary>
    [JsonRpcMethod("agent.status")]
    ValueTask<AgentStatusResult> GetAgentStatusAsync(AgentIdParams parameters, CancellationToken cancellationToken = default);

    /// <summary>Creates a multi-agent system.</summary>
    [JsonRpcMethod("multi-agent.initialize")]
    ValueTask<MultiAgentStatusResult> InitializeMultiAgentAsync(MultiAgentInitializeParams parameters, CancellationToken cancellationToken = default);

    /// <summary>Reads a multi-agent system's status.</summary>
    [JsonRpcMethod("multi-agent.status")]
    ValueTask<MultiAgentStatusResult> GetMultiAgentStatusAsync(MultiAgentIdParams parameters, CancellationToken cancellationToken = default);

    /// <summary>Terminates a multi-agent system.</summary>
    [JsonRpcMethod("multi-agent.dissolve")]
    ValueTask<MultiAgentDissolveResult> DissolveMultiAgentAsync(MultiAgentIdParams parameters, CancellationToken cancellationToken = default);

    /// <summary>Assigns a task to an agent.</summary>
    [JsonRpcMethod("task.assign")]
    ValueTask<TaskStatusResult> AssignTaskAsync(TaskAssignParams parameters, CancellationToken cancellationToken = default);

    /// <summary>Reads a task's progress.</summary>
    [JsonRpcMethod("task.status")]
    ValueTask<TaskStatusResult> GetTaskStatusAsync(TaskIdParams parameters, CancellationToken cancellationToken = default);

    /// <summary>Cancels a running task.</summary>
    [JsonRpcMethod("task.cancel")]
    ValueTask<TaskStatusResult> CancelTaskAsync(TaskIdParams parameters, CancellationToken cancellationToken = default);

    /// <summary>Asks the server to push telemetry lines matching the event globs at the given interval.</summary>
    [JsonRpcMethod("telemetry.subscribe")]
    ValueTask<TelemetrySubscribeResult> SubscribeTelemetryAsync(TelemetrySubscribeParams parameters, CancellationToken cancellationToken = default);

    /// <summary>Liveness probe; the result's shape is server-defined, so it stays raw JSON.</summary>
    [JsonRpcMethod("system.ping")]
    ValueTask<System.Text.Json.JsonElement> PingAsync(CancellationToken cancellationToken = default);
}

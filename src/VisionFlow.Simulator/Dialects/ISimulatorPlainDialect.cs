using System.Text.Json;
using VisionFlow.Protocol.Contracts;
using VisionFlow.Protocol.Contracts.Plain;
using VisionFlow.Simulator.Json;

namespace VisionFlow.Simulator.Dialects;

/// <summary>
/// The plain dialect from the server's side, for the contract generator: the same wire names as
/// <see cref="IPlainDialect"/>, but the params arrive as the raw document (the simulator accepts the spellings the
/// seed's servers accept, which the client's typed params do not model) and the results are the simulator's own,
/// which carry more than a client reads and say <c>"simulated": true</c>. The generator emits
/// <c>SimulatorPlainDialectDispatch</c> from it.
/// </summary>
[JsonRpcContract(typeof(PlainResultJsonContext))]
internal interface ISimulatorPlainDialect
{
    [JsonRpcMethod(PlainDialectMethods.SpawnAgent)]
    ValueTask<PlainAgentSpawnResult> SpawnAgentAsync(JsonDocument? parameters, CancellationToken cancellationToken);

    [JsonRpcMethod(PlainDialectMethods.ListAgents)]
    ValueTask<PlainAgentListResult> ListAgentsAsync(JsonDocument? parameters, CancellationToken cancellationToken);

    [JsonRpcMethod(PlainDialectMethods.TerminateAgent)]
    ValueTask<PlainAgentTerminateResult> TerminateAgentAsync(JsonDocument? parameters, CancellationToken cancellationToken);

    [JsonRpcMethod(PlainDialectMethods.GetAgentStatus)]
    ValueTask<PlainAgentStatusResult> GetAgentStatusAsync(JsonDocument? parameters, CancellationToken cancellationToken);

    [JsonRpcMethod(PlainDialectMethods.InitializeMultiAgent)]
    ValueTask<PlainMultiAgentInitResult> InitializeMultiAgentAsync(JsonDocument? parameters, CancellationToken cancellationToken);

    [JsonRpcMethod(PlainDialectMethods.GetMultiAgentStatus)]
    ValueTask<PlainMultiAgentStatusResult> GetMultiAgentStatusAsync(JsonDocument? parameters, CancellationToken cancellationToken);

    [JsonRpcMethod(PlainDialectMethods.DissolveMultiAgent)]
    ValueTask<PlainMultiAgentDissolveResult> DissolveMultiAgentAsync(JsonDocument? parameters, CancellationToken cancellationToken);

    [JsonRpcMethod(PlainDialectMethods.AssignTask)]
    ValueTask<PlainTaskAssignResult> AssignTaskAsync(JsonDocument? parameters, CancellationToken cancellationToken);

    [JsonRpcMethod(PlainDialectMethods.GetTaskStatus)]
    ValueTask<PlainTaskStatusResult> GetTaskStatusAsync(JsonDocument? parameters, CancellationToken cancellationToken);

    [JsonRpcMethod(PlainDialectMethods.CancelTask)]
    ValueTask<PlainTaskCancelResult> CancelTaskAsync(JsonDocument? parameters, CancellationToken cancellationToken);

    [JsonRpcMethod(PlainDialectMethods.SubscribeTelemetry)]
    ValueTask<PlainTelemetrySubscribeResult> SubscribeTelemetryAsync(JsonDocument? parameters, CancellationToken cancellationToken);

    [JsonRpcMethod(PlainDialectMethods.Ping)]
    ValueTask<PlainPingResult> PingAsync(JsonDocument? parameters, CancellationToken cancellationToken);
}

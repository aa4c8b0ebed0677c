using System.Text.Json;
using VisionFlow.Protocol.Contracts.Plain;

namespace VisionFlow.Generators.Tests;

/// <summary>Test double for the server side of <see cref="IPlainDialect"/>: records what arrived, answers from it.</summary>
internal sealed class FakePlainDialect : IPlainDialect
{
    public List<object?> Received { get; } = [];

    public CancellationToken LastToken { get; private set; }

    /// <summary>When set, every method throws it instead of answering.</summary>
    public Exception? Failure { get; set; }

    public ValueTask<AgentSpawnResult> SpawnAgentAsync(AgentSpawnParams parameters, CancellationToken cancellationToken = default) =>
        Answer(parameters, cancellationToken, new AgentSpawnResult { AgentId = "agent-" + parameters.Type, Status = "active", SessionId = "session-" + parameters.Config?.MaxTokens });

    public ValueTask<AgentListResult> ListAgentsAsync(AgentListParams? parameters, CancellationToken cancellationToken = default) =>
        Answer(parameters, cancellationToken, new AgentListResult { Agents = [new AgentStatusResult { AgentId = "agent-1", Status = parameters?.Filter ?? "any", TasksActive = parameters?.Limit }] });

    public ValueTask<AgentTerminateResult> TerminateAgentAsync(AgentIdParams parameters, CancellationToken cancellationToken = default) =>
        Answer(parameters, cancellationToken, new AgentTerminateResult { AgentId = parameters.AgentId, Status = "terminated" });

    public ValueTask<AgentStatusResult> GetAgentStatusAsync(AgentIdParams parameters, CancellationToken cancellationToken = default) =>
        Answer(parameters, cancellationToken, new AgentStatusResult { AgentId = parameters.AgentId, Status = "active", CpuUsage = 45.2, MemoryUsage = 128.5, TasksActive = 3, TokensUsed = 1523 });

    public ValueTask<MultiAgentStatusResult> InitializeMultiAgentAsync(MultiAgentInitializeParams parameters, CancellationToken cancellationToken = default) =>
        Answer(parameters, cancellationToken, new MultiAgentStatusResult
        {
            MultiAgentId = "ma-" + parameters.Topology,
            Status = "active",
            Topology = parameters.Topology,
            Agents = (parameters.Agents ?? []).Select((type, i) => new AgentStatusResult { AgentId = $"{type}-{i}", Type = type }).ToList(),
        });

    public ValueTask<MultiAgentStatusResult> GetMultiAgentStatusAsync(MultiAgentIdParams parameters, CancellationToken cancellationToken = default) =>
        Answer(parameters, cancellationToken, new MultiAgentStatusResult { MultiAgentId = parameters.MultiAgentId, Status = "active" });

    public ValueTask<MultiAgentDissolveResult> DissolveMultiAgentAsync(MultiAgentIdParams parameters, CancellationToken cancellationToken = default) =>
        Answer(parameters, cancellationToken, new MultiAgentDissolveResult { MultiAgentId = parameters.MultiAgentId, Status = "dissolved" });

    public ValueTask<TaskStatusResult> AssignTaskAsync(TaskAssignParams parameters, CancellationToken cancellationToken = default) =>
        Answer(parameters, cancellationToken, new TaskStatusResult { TaskId = "task-" + parameters.AgentId, AgentId = parameters.AgentId, Status = "pending" });

    public ValueTask<TaskStatusResult> GetTaskStatusAsync(TaskIdParams parameters, CancellationToken cancellationToken = default) =>
        Answer(parameters, cancellationToken, new TaskStatusResult { TaskId = parameters.TaskId, Status = "running", Progress = 0.5 });

    public ValueTask<TaskStatusResult> CancelTaskAsync(TaskIdParams parameters, CancellationToken cancellationToken = default) =>
        Answer(parameters, cancellationToken, new TaskStatusResult { TaskId = parameters.TaskId, Status = "cancelled" });

    public ValueTask<TelemetrySubscribeResult> SubscribeTelemetryAsync(TelemetrySubscribeParams parameters, CancellationToken cancellationToken = default) =>
        Answer(parameters, cancellationToken, new TelemetrySubscribeResult { SubscriptionId = "sub-1", Events = parameters.Events, IntervalMs = parameters.IntervalMs });

    public ValueTask<JsonElement> PingAsync(CancellationToken cancellationToken = default)
    {
        using var document = JsonDocument.Parse("""{"pong":true}""");
        return Answer(null, cancellationToken, document.RootElement.Clone());
    }

    private ValueTask<T> Answer<T>(object? parameters, CancellationToken cancellationToken, T result)
    {
        Received.Add(parameters);
        LastToken = cancellationToken;
        return Failure is null ? ValueTask.FromResult(result) : ValueTask.FromException<T>(Failure);
    }
}

// Results of the plain dialect's methods (snake_case on the wire), each marked "simulated": true.
namespace VisionFlow.Simulator.Json;

internal sealed record PlainAgentSpawnResult(string AgentId, string Status, string SessionId, string Type, string? SwarmId, string CreatedAt)
{
    public bool Simulated => true;
}

internal sealed record PlainAgentInfo(
    string AgentId, string Type, string Status, string? SwarmId, double CpuUsage, double MemoryUsage, int TasksActive,
    long TokensUsed, int TasksCompleted, string CreatedAt);

internal sealed record PlainAgentListResult(List<PlainAgentInfo> Agents, int Total)
{
    public bool Simulated => true;
}

internal sealed record PlainAgentStatusResult(
    string AgentId, string Type, string Status, string? SwarmId, double CpuUsage, double MemoryUsage, int TasksActive,
    long TokensUsed, int TasksCompleted, List<string> CurrentTasks, string CreatedAt, string? TerminatedAt)
{
    public bool Simulated => true;
}

internal sealed record PlainAgentTerminateResult(string AgentId, string Status, string TerminatedAt)
{
    public bool Simulated => true;
}

internal sealed record PlainAgentRef(string AgentId, string Type, string Status);

internal sealed record PlainMultiAgentInitResult(
    string MultiAgentId, string SwarmId, string Topology, string Strategy, int MaxAgents, string Status,
    List<PlainAgentRef> Agents, string? TaskId, string CreatedAt)
{
    public bool Simulated => true;
}

internal sealed record PlainTaskCounts(int Pending, int InProgress, int Completed, int Cancelled);

internal sealed record PlainMultiAgentStatusResult(
    string MultiAgentId, string SwarmId, string Topology, string Strategy, string Status, int MaxAgents, int AgentCount,
    List<PlainAgentRef> Agents, PlainTaskCounts Tasks, long MessagesExchanged, string CreatedAt)
{
    public bool Simulated => true;
}

internal sealed record PlainMultiAgentDissolveResult(string MultiAgentId, string SwarmId, string Status, int AgentsTerminated, string DissolvedAt)
{
    public bool Simulated => true;
}

internal sealed record PlainTaskAssignResult(string TaskId, string AgentId, string Description, string Priority, string Status, string CreatedAt)
{
    public bool Simulated => true;
}

internal sealed record PlainTaskStatusResult(
    string TaskId, string Description, string Priority, string Status, double Progress, List<string> AssignedTo,
    string CreatedAt, string? StartedAt, string? CompletedAt, string? CancelledAt)
{
    public bool Simulated => true;
}

internal sealed record PlainTaskCancelResult(string TaskId, string Status, string CancelledAt)
{
    public bool Simulated => true;
}

internal sealed record PlainTelemetrySubscribeResult(string SubscriptionId, IReadOnlyList<string> Events, int IntervalMs, IReadOnlyList<string> EventTypes)
{
    public bool Subscribed => true;

    public bool Simulated => true;
}

internal sealed record PlainPingResult(string Timestamp, string Server, string Version)
{
    public bool Pong => true;

    public bool Simulated => true;
}

using System.Text.Json;
using System.Text.Json.Serialization;

// The JSON inside MCP tool results, with claude-flow 3.43.0's member names and shapes
// (tests/interop/README.md), plus "simulated": true on each.
namespace VisionFlow.Simulator.Json;

internal sealed record McpSwarmConfig(string Topology, int MaxAgents, string Strategy)
{
    public string CommunicationProtocol => "message-bus";

    public bool AutoScaling => false;

    public string ConsensusMechanism => "majority";
}

internal sealed record McpSwarmInitResult(string SwarmId, string Topology, string Strategy, int MaxAgents, string InitializedAt, McpSwarmConfig Config)
{
    public bool Success => true;

    /// <summary>The simulator keeps state in memory only.</summary>
    public bool Persisted => false;

    public bool Simulated => true;
}

internal sealed record McpAgentSpawnResult(string AgentId, string AgentType, string Model, string Status, string CreatedAt, string? SwarmId)
{
    public bool Success => true;

    public string ModelRoutedBy => "default";

    public string Note => "Simulated agent (visionflow-simulator): it does no real work; its telemetry is generated.";

    public bool Simulated => true;
}

internal sealed record McpAgentSummary(
    string AgentId, string AgentType, string Status, double Health, int TaskCount, string CreatedAt,
    string? SwarmId, double CpuUsage, double MemoryUsage, int TasksActive, long TokensUsed);

internal sealed record McpAgentListResult(List<McpAgentSummary> Agents, int Total, JsonElement Filters)
{
    public bool Simulated => true;
}

internal sealed record McpAgentStatusResult(
    string AgentId, string AgentType, string Status, double Health, int TaskCount, string CreatedAt, JsonElement? LastResult,
    string? SwarmId, double CpuUsage, double MemoryUsage, int TasksActive, long TokensUsed)
{
    public bool Simulated => true;
}

internal sealed record McpAgentTerminateResult(string AgentId, string TerminatedAt)
{
    public bool Success => true;

    public bool Terminated => true;

    public bool Simulated => true;
}

internal sealed record McpSwarmStatusResult(
    string SwarmId, string Status, string Topology, int MaxAgents, int AgentCount, int TaskCount, McpSwarmConfig Config,
    string CreatedAt, string UpdatedAt, long MessagesExchanged)
{
    public bool Simulated => true;
}

internal sealed record McpSwarmShutdownResult(string SwarmId, bool Graceful, int AgentsTerminated, string TerminatedAt)
{
    public bool Success => true;

    public bool Terminated => true;

    public bool Simulated => true;
}

internal sealed record McpHealthCheck(string Name, string Status, string Message);

internal sealed record McpSwarmHealthResult(string Status, bool Healthy, string SwarmId, string Topology, int AgentCount, List<McpHealthCheck> Checks, string CheckedAt)
{
    public bool Simulated => true;
}

internal sealed record McpTaskCreateResult(string TaskId, string Type, string Description, string Priority, string Status, string CreatedAt, List<string> AssignedTo, string[] Tags)
{
    public bool Simulated => true;
}

internal sealed record McpTaskStatusResult(
    string TaskId, string Type, string Description, string Status, double Progress, string Priority, List<string> AssignedTo,
    string[] Tags, string CreatedAt, string? StartedAt, string? CompletedAt, JsonElement? Result)
{
    public bool Simulated => true;
}

internal sealed record McpTaskSummary(string TaskId, string Type, string Description, string Status, double Progress, string Priority, List<string> AssignedTo, string CreatedAt);

internal sealed record McpTaskListResult(List<McpTaskSummary> Tasks, int Total, JsonElement Filters)
{
    public bool Simulated => true;
}

internal sealed record McpTaskAssignResult(string TaskId, List<string> AssignedTo, List<string> PreviouslyAssigned, string Status)
{
    public bool Simulated => true;
}

internal sealed record McpTaskUpdateResult(string TaskId, string Status, double Progress, List<string> AssignedTo)
{
    public bool Success => true;

    public bool Simulated => true;
}

internal sealed record McpTaskCompleteResult(string TaskId, string Status, string CompletedAt, JsonElement? Result)
{
    public bool Simulated => true;
}

internal sealed record McpTaskCancelResult(string TaskId, string Status, string CancelledAt)
{
    public bool Success => true;

    public bool Simulated => true;
}

internal sealed record McpOrchestrateResult(string OrchestrationId, string Task, string Strategy, List<string> Agents, string Status, string Topology, string TaskId)
{
    public bool Success => true;

    public string Executor => "simulator";

    public bool Simulated => true;
}

internal sealed record McpUsed(double Used, double Total);

internal sealed record McpAgentCounts(int Total, int Active);

internal sealed record McpTaskCounts(int Pending, int Completed, int Failed);

internal sealed record McpRequestCounts(long Total, long Success, long Errors);

internal sealed record McpSystemMetricsResult(
    string StartTime, string LastCheck, long Uptime, double Health, double Cpu, McpUsed Memory, McpAgentCounts Agents,
    McpTaskCounts Tasks, McpRequestCounts Requests)
{
    public bool Simulated => true;
}

internal sealed record McpComponentStatus(string Status, double Health);

internal sealed record McpSystemStatusResult(string Status, long Uptime, string UptimeFormatted, string Version, Dictionary<string, McpComponentStatus> Components, string LastCheck)
{
    public bool Simulated => true;
}

/// <summary>claude-flow's failure style: a successful tool result whose JSON says <c>"success": false</c>.</summary>
internal sealed record McpFailure(string Error)
{
    public bool Success => false;

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SwarmId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AgentId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TaskId { get; init; }

    public bool Simulated => true;
}

/// <summary>claude-flow's read-tool failure style: <c>{"agentId","status":"not_found","error"}</c>.</summary>
internal sealed record McpNotFound(string Error)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SwarmId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AgentId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TaskId { get; init; }

    public string Status => "not_found";

    public bool Simulated => true;
}

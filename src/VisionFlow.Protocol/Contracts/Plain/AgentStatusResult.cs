namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>
/// The plain dialect's record of one agent: the result of <c>agent.status</c>, the items of <c>agent.list</c> and
/// <c>multi-agent.status</c>, and the data of <c>agent.status</c> telemetry.
/// </summary>
public sealed record AgentStatusResult
{
    /// <summary>Agent id (<c>agent_id</c>).</summary>
    public required string AgentId { get; init; }

    /// <summary>Status, e.g. <c>active</c>, <c>idle</c>, <c>busy</c>.</summary>
    public string? Status { get; init; }

    /// <summary>Agent type.</summary>
    public string? Type { get; init; }

    /// <summary>Display name.</summary>
    public string? Name { get; init; }

    /// <summary>CPU usage in percent (<c>cpu_usage</c>).</summary>
    public double? CpuUsage { get; init; }

    /// <summary>Memory usage in MiB (<c>memory_usage</c>).</summary>
    public double? MemoryUsage { get; init; }

    /// <summary>Tasks in progress (<c>tasks_active</c>).</summary>
    public int? TasksActive { get; init; }

    /// <summary>Tokens consumed so far (<c>tokens_used</c>).</summary>
    public long? TokensUsed { get; init; }
}

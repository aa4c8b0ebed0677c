using System.Text;

namespace VisionFlow.Protocol.Dialects;

/// <summary>
/// The one place that knows how servers name the members of agent, swarm, task and telemetry objects: Claude Flow 3.x
/// (camelCase: <c>agentId</c>, <c>agentType</c>, <c>taskCount</c>, <c>health</c>, <c>createdAt</c>, <c>model</c>), the
/// plain dialect and the simulator (snake_case: <c>agent_id</c>, <c>tasks_active</c>, <c>cpu_usage</c>), and the original's
/// telemetry lines. Both readers use it: <see cref="Summaries"/> for a command's answer and the telemetry parser
/// (zero-allocation, straight from UTF-8) for pushed lines and polled listings, so a command's answer and the live cache
/// cannot disagree about what a member means. So do the status words (<see cref="IsTerminalStatus"/>).
/// </summary>
public static class WireVocabulary
{
    private static readonly (string Name, WireField Field)[] Names =
    [
        ("id", WireField.Id),
        ("agentId", WireField.AgentId), ("agent_id", WireField.AgentId),
        ("swarmId", WireField.SwarmId), ("swarm_id", WireField.SwarmId), ("swarm", WireField.SwarmId), ("multi-agent_id", WireField.SwarmId),
        ("taskId", WireField.TaskId), ("task_id", WireField.TaskId), ("orchestrationId", WireField.TaskId),
        ("type", WireField.Type), ("agentType", WireField.Type), ("agent_type", WireField.Type),
        ("status", WireField.Status), ("state", WireField.Status),
        ("cpu", WireField.CpuUsage), ("cpuUsage", WireField.CpuUsage), ("cpu_usage", WireField.CpuUsage),
        ("memory", WireField.MemoryUsage), ("memoryUsage", WireField.MemoryUsage), ("memory_usage", WireField.MemoryUsage),
        ("taskCount", WireField.TaskCount), ("task_count", WireField.TaskCount), ("tasksActive", WireField.TasksActive),
        ("tasks_active", WireField.TasksActive), ("activeTasks", WireField.TasksActive), ("active_tasks", WireField.TasksActive),
        ("tokens", WireField.TokensUsed), ("tokensUsed", WireField.TokensUsed), ("tokens_used", WireField.TokensUsed),
        ("health", WireField.Health), ("healthScore", WireField.Health), ("health_score", WireField.Health),
        ("createdAt", WireField.CreatedAt), ("created_at", WireField.CreatedAt),
        ("model", WireField.Model),
        ("sessionId", WireField.SessionId), ("session_id", WireField.SessionId),
        ("from", WireField.From), ("source", WireField.From), ("sender", WireField.From), ("fromAgent", WireField.From), ("from_agent", WireField.From),
        ("to", WireField.To), ("target", WireField.To), ("receiver", WireField.To), ("toAgent", WireField.To), ("to_agent", WireField.To),
        ("messageType", WireField.MessageType), ("message_type", WireField.MessageType),
        ("size", WireField.Size), ("bytes", WireField.Size), ("messageSize", WireField.Size), ("message_size", WireField.Size),
        ("value", WireField.Value),
        ("timestamp", WireField.Timestamp),
        ("topology", WireField.Topology),
        ("maxAgents", WireField.MaxAgents), ("max_agents", WireField.MaxAgents),
        ("agentCount", WireField.AgentCount), ("agent_count", WireField.AgentCount),
        ("strategy", WireField.Strategy),
        ("agents", WireField.Agents),
        ("totalSwarms", WireField.TotalSwarms), ("total_swarms", WireField.TotalSwarms),
        ("description", WireField.Description),
        ("task", WireField.TaskText),
        ("priority", WireField.Priority),
        ("progress", WireField.Progress),
        ("assignedTo", WireField.AssignedTo), ("assigned_to", WireField.AssignedTo), ("agentIds", WireField.AssignedTo), ("agent_ids", WireField.AssignedTo),
        ("updatedAt", WireField.UpdatedAt), ("updated_at", WireField.UpdatedAt),
    ];

    // By length, then by first byte: a lookup compares one or two candidates, so the telemetry hot path stays as cheap as
    // the hand-written switch it replaces (and allocates nothing).
    private static readonly Entry[][] ByLength = Build();

    /// <summary>Every member name the product reads, with its meaning (for documentation and tests).</summary>
    public static IReadOnlyList<(string Name, WireField Field)> All => Names;

    /// <summary>The meaning of the member named <paramref name="utf8Name"/> (unescaped UTF-8); <see cref="WireField.None"/> when the product does not read it.</summary>
    public static WireField Classify(ReadOnlySpan<byte> utf8Name)
    {
        if (utf8Name.IsEmpty || (uint)utf8Name.Length >= (uint)ByLength.Length)
        {
            return WireField.None;
        }

        var first = utf8Name[0];
        foreach (var entry in ByLength[utf8Name.Length])
        {
            if (entry.First == first && utf8Name.SequenceEqual(entry.Utf8))
            {
                return entry.Field;
            }
        }

        return WireField.None;
    }

    /// <summary>The meaning of the member named <paramref name="name"/>.</summary>
    public static WireField Classify(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Span<byte> utf8 = stackalloc byte[64];
        return Encoding.UTF8.GetMaxByteCount(name.Length) <= utf8.Length || Encoding.UTF8.GetByteCount(name) <= utf8.Length
            ? Classify(utf8[..Encoding.UTF8.GetBytes(name, utf8)])
            : WireField.None;
    }

    /// <summary>
    /// Whether an agent's status word says it is gone (<c>terminated</c>, the word both Claude Flow and the plain dialect
    /// use). Every other word (Claude Flow's <c>registered</c>, <c>idle</c>, <c>active</c>, <c>running</c>,
    /// <c>stopped</c>; the simulator's <c>initializing</c>, <c>busy</c>) is shown as reported, never translated.
    /// </summary>
    public static bool IsTerminalStatus(ReadOnlySpan<byte> utf8Status) => utf8Status.SequenceEqual("terminated"u8);

    /// <inheritdoc cref="IsTerminalStatus(ReadOnlySpan{byte})"/>
    public static bool IsTerminalStatus(string? status) => string.Equals(status, "terminated", StringComparison.Ordinal);

    private static Entry[][] Build()
    {
        var longest = Names.Max(n => Encoding.UTF8.GetByteCount(n.Name));
        var lists = new List<Entry>[longest + 1];
        foreach (var (name, field) in Names)
        {
            var utf8 = Encoding.UTF8.GetBytes(name);
            (lists[utf8.Length] ??= []).Add(new Entry(utf8, utf8[0], field));
        }

        return Array.ConvertAll(lists, l => l?.ToArray() ?? []);
    }

    private readonly record struct Entry(byte[] Utf8, byte First, WireField Field);
}

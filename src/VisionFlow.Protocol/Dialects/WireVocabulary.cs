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
    // What a member means (Classify answers one of these). Which object it sits in decides the rest: Id is the agent's id in
    // an agent, the swarm's in a swarm; TaskCount is an agent's tasks or a swarm's.
    /// <summary>A member the product does not read.</summary>
    public const byte None = 0;

    /// <summary><c>id</c>: the object's own id, whatever it is.</summary>
    public const byte Id = 1;

    /// <summary><c>agentId</c>, <c>agent_id</c>.</summary>
    public const byte AgentId = 2;

    /// <summary><c>swarmId</c>, <c>swarm_id</c>, <c>swarm</c>, <c>multi-agent_id</c>.</summary>
    public const byte SwarmId = 3;

    /// <summary><c>taskId</c>, <c>task_id</c>, <c>orchestrationId</c>.</summary>
    public const byte TaskId = 4;

    /// <summary><c>agentType</c>, <c>agent_type</c>, <c>type</c>.</summary>
    public const byte Type = 5;

    /// <summary><c>status</c>, <c>state</c>.</summary>
    public const byte Status = 6;

    /// <summary>CPU usage in percent: <c>cpu_usage</c>, <c>cpuUsage</c>, <c>cpu</c>.</summary>
    public const byte CpuUsage = 7;

    /// <summary>Memory in MiB: <c>memory_usage</c>, <c>memoryUsage</c>, <c>memory</c>.</summary>
    public const byte MemoryUsage = 8;

    /// <summary>An agent's tasks in progress: <c>tasks_active</c>, <c>tasksActive</c>, <c>activeTasks</c>, <c>active_tasks</c>.</summary>
    public const byte TasksActive = 9;

    /// <summary>
    /// Claude Flow's <c>taskCount</c> (<c>task_count</c>): an agent's tasks, shown as its active tasks unless the object also
    /// says <see cref="TasksActive"/> (the simulator sends both); a swarm's tasks.
    /// </summary>
    public const byte TaskCount = 10;

    /// <summary>Tokens used: <c>tokens_used</c>, <c>tokensUsed</c>, <c>tokens</c>.</summary>
    public const byte TokensUsed = 11;

    /// <summary>Claude Flow's health score, 0 to 1: <c>health</c>, <c>healthScore</c>, <c>health_score</c>.</summary>
    public const byte Health = 12;

    /// <summary>When the object was made: <c>createdAt</c>, <c>created_at</c>.</summary>
    public const byte CreatedAt = 13;

    /// <summary>The agent's model (<c>model</c>: Claude Flow's haiku, sonnet, opus …).</summary>
    public const byte Model = 14;

    /// <summary>The plain dialect's agent session: <c>session_id</c>, <c>sessionId</c>.</summary>
    public const byte SessionId = 15;

    /// <summary>A message's sender: <c>from</c>, <c>source</c>, <c>sender</c>, <c>fromAgent</c>, <c>from_agent</c>.</summary>
    public const byte From = 16;

    /// <summary>A message's receiver: <c>to</c>, <c>target</c>, <c>receiver</c>, <c>toAgent</c>, <c>to_agent</c>.</summary>
    public const byte To = 17;

    /// <summary><c>messageType</c>, <c>message_type</c>.</summary>
    public const byte MessageType = 18;

    /// <summary>A message's size in bytes: <c>size</c>, <c>bytes</c>, <c>messageSize</c>, <c>message_size</c>.</summary>
    public const byte Size = 19;

    /// <summary>A metric's <c>value</c>.</summary>
    public const byte Value = 20;

    /// <summary>When an event happened: <c>timestamp</c>.</summary>
    public const byte Timestamp = 21;

    /// <summary><c>topology</c>.</summary>
    public const byte Topology = 22;

    /// <summary><c>maxAgents</c>, <c>max_agents</c>.</summary>
    public const byte MaxAgents = 23;

    /// <summary><c>agentCount</c>, <c>agent_count</c>.</summary>
    public const byte AgentCount = 24;

    /// <summary><c>strategy</c>.</summary>
    public const byte Strategy = 25;

    /// <summary><c>agents</c>: a swarm's members (objects or ids).</summary>
    public const byte Agents = 26;

    /// <summary><c>totalSwarms</c>, <c>total_swarms</c>: how many swarms the server has.</summary>
    public const byte TotalSwarms = 27;

    /// <summary>A task's <c>description</c>.</summary>
    public const byte Description = 28;

    /// <summary><c>task</c>: a task's text in the plain dialect (and an agent's first task).</summary>
    public const byte TaskText = 29;

    /// <summary><c>priority</c>.</summary>
    public const byte Priority = 30;

    /// <summary>A task's <c>progress</c> (Claude Flow: 0-100; the plain dialect: 0-1).</summary>
    public const byte Progress = 31;

    /// <summary>A task's agents: <c>assignedTo</c>, <c>assigned_to</c>, <c>agentIds</c>, <c>agent_ids</c>.</summary>
    public const byte AssignedTo = 32;

    /// <summary><c>updatedAt</c>, <c>updated_at</c>.</summary>
    public const byte UpdatedAt = 33;

    private static readonly (string Name, byte Field)[] Names =
    [
        ("id", Id),
        ("agentId", AgentId), ("agent_id", AgentId),
        ("swarmId", SwarmId), ("swarm_id", SwarmId), ("swarm", SwarmId), ("multi-agent_id", SwarmId),
        ("taskId", TaskId), ("task_id", TaskId), ("orchestrationId", TaskId),
        ("type", Type), ("agentType", Type), ("agent_type", Type),
        ("status", Status), ("state", Status),
        ("cpu", CpuUsage), ("cpuUsage", CpuUsage), ("cpu_usage", CpuUsage),
        ("memory", MemoryUsage), ("memoryUsage", MemoryUsage), ("memory_usage", MemoryUsage),
        ("taskCount", TaskCount), ("task_count", TaskCount), ("tasksActive", TasksActive),
        ("tasks_active", TasksActive), ("activeTasks", TasksActive), ("active_tasks", TasksActive),
        ("tokens", TokensUsed), ("tokensUsed", TokensUsed), ("tokens_used", TokensUsed),
        ("health", Health), ("healthScore", Health), ("health_score", Health),
        ("createdAt", CreatedAt), ("created_at", CreatedAt),
        ("model", Model),
        ("sessionId", SessionId), ("session_id", SessionId),
        ("from", From), ("source", From), ("sender", From), ("fromAgent", From), ("from_agent", From),
        ("to", To), ("target", To), ("receiver", To), ("toAgent", To), ("to_agent", To),
        ("messageType", MessageType), ("message_type", MessageType),
        ("size", Size), ("bytes", Size), ("messageSize", Size), ("message_size", Size),
        ("value", Value),
        ("timestamp", Timestamp),
        ("topology", Topology),
        ("maxAgents", MaxAgents), ("max_agents", MaxAgents),
        ("agentCount", AgentCount), ("agent_count", AgentCount),
        ("strategy", Strategy),
        ("agents", Agents),
        ("totalSwarms", TotalSwarms), ("total_swarms", TotalSwarms),
        ("description", Description),
        ("task", TaskText),
        ("priority", Priority),
        ("progress", Progress),
        ("assignedTo", AssignedTo), ("assigned_to", AssignedTo), ("agentIds", AssignedTo), ("agent_ids", AssignedTo),
        ("updatedAt", UpdatedAt), ("updated_at", UpdatedAt),
    ];

    /// <summary>How many meanings there are (the constants above run from 0 to one less).</summary>
    public const int FieldCount = 34;

    // By length, then by first byte: a lookup compares one or two candidates, so the telemetry hot path stays as cheap as
    // the hand-written switch it replaces (and allocates nothing).
    private static readonly Entry[][] ByLength = Build();

    /// <summary>Every member name the product reads, with its meaning (for documentation and tests).</summary>
    public static IReadOnlyList<(string Name, byte Field)> All => Names;

    /// <summary>The meaning of the member named <paramref name="utf8Name"/> (unescaped UTF-8); <see cref="None"/> when the product does not read it.</summary>
    public static byte Classify(ReadOnlySpan<byte> utf8Name)
    {
        if (utf8Name.IsEmpty || (uint)utf8Name.Length >= (uint)ByLength.Length)
        {
            return None;
        }

        var first = utf8Name[0];
        foreach (var entry in ByLength[utf8Name.Length])
        {
            if (entry.First == first && utf8Name.SequenceEqual(entry.Utf8))
            {
                return entry.Field;
            }
        }

        return None;
    }

    /// <summary>The meaning of the member named <paramref name="name"/>.</summary>
    public static byte Classify(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Span<byte> utf8 = stackalloc byte[64];
        return Encoding.UTF8.GetMaxByteCount(name.Length) <= utf8.Length || Encoding.UTF8.GetByteCount(name) <= utf8.Length
            ? Classify(utf8[..Encoding.UTF8.GetBytes(name, utf8)])
            : None;
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

    private readonly record struct Entry(byte[] Utf8, byte First, byte Field);
}

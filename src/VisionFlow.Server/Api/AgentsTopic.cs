using System.Buffers;
using System.Text.Json;
using VisionFlow.Agents.Cache;
using VisionFlow.Agents.Intake;
using VisionFlow.Server.Mcp;
using VisionFlow.Server.Streaming;

namespace VisionFlow.Server.Api;

/// <summary>
/// The <c>agents</c> topic of <c>/ws</c>: each agent as <c>GET /api/bots/agents</c> shows it, kept current from the
/// intake's change sets — only the agents a batch added, updated or removed are touched, on the intake's thread, so a
/// status change costs one agent's serialization, not a list of thousands.
/// </summary>
/// <remarks>
/// Gauges (CPU, memory, tokens) are what a busy swarm reports for every agent on every telemetry tick; serializing each
/// agent ten times a second cost more than the rebuilds this topic replaced (bench cpu at 10,000 agents). An update that
/// moved gauges only is therefore held back (<see cref="HeldGauges"/>) and sent once <see cref="GaugeInterval"/> has
/// passed since it was held — as the agent then is, with the next batch or, when none comes, at the intake's next wake
/// (<see cref="TelemetryIntake.Woke"/>: a last reading before a swarm goes quiet is not kept from the viewer) — while
/// anything else (a new agent, status, health, swarm, stale, tasks, type, model) is sent at once, with any gauges held.
/// An update sends the fields it changed, not the whole agent. The REST list is unaffected. While no <c>/ws</c> session
/// is connected held gauges wait <see cref="IdleGaugeInterval"/> instead: with nobody watching, a busy swarm's gauges
/// cost the topic a set insert each and a serialization every ten seconds, and a viewer that connects gets them within
/// <see cref="GaugeInterval"/>, as anyone gets held gauges.
/// </remarks>
internal sealed class AgentsTopic
{
    private readonly McpServices _mcp;
    private readonly KeyedTopic _topic;
    private readonly TopicItemWriter _item = new(1024);
    private readonly TimeProvider _time;
    private readonly StreamTopics _topics;
    private readonly HeldGauges _gaugesHeld;

    // Per intake key, the topic's item of that agent: an update patches it by this handle, not by the agent's id (a hash of
    // the id per patch, ten thousand a second at 10,000 agents). Set by every upsert, cleared when the agent goes; a key is
    // reused only by a later batch's new agent, which is upserted (and so set) before any patch of it.
    private KeyedTopic.Handle[] _handles = new KeyedTopic.Handle[64];

    /// <summary>
    /// How long an update of gauges only may wait to be sent with others: a second, the rate the recorder keeps gauges
    /// at, so every agent's gauges cost a viewer less than the two-second full list it used to poll (bench attributes).
    /// </summary>
    internal static readonly TimeSpan GaugeInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long held gauges wait while no <c>/ws</c> session is connected.</summary>
    internal static readonly TimeSpan IdleGaugeInterval = TimeSpan.FromSeconds(10);

    public AgentsTopic(McpServices mcp, StreamTopics topics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(mcp);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(time);
        _mcp = mcp;
        _time = time;
        _topics = topics;
        _gaugesHeld = new HeldGauges(time);
        _topic = topics.Register("agents", "agents");
        mcp.Intake.ChangesApplied += OnChanges;
        mcp.Intake.Woke += OnWoke;
    }

    private void OnChanges(AgentChangeSet changes)
    {
        var intake = _mcp.Intake;
        foreach (var key in changes.Removed)
        {
            _gaugesHeld.Forget(key);
            if ((uint)key < (uint)_handles.Length) _handles[key] = default;
            _topic.Remove(intake.AgentId(key));
        }

        foreach (var key in changes.Added)
        {
            _gaugesHeld.Release(key);
            Upsert(key, intake.DescribeAgent(key));
        }

        var updated = changes.Updated;
        var fields = changes.UpdatedFields;
        var interval = GaugeIntervalNow;
        for (var i = 0; i < updated.Length; i++)
        {
            if (HeldGauges.OnlyGauges(fields[i]))
            {
                if (!_gaugesHeld.Hold(updated[i], interval)) PatchGauges(updated[i]);
                continue;
            }

            // Gauges held back from earlier batches go with this one.
            PatchFields(updated[i], _gaugesHeld.Release(updated[i]) ? fields[i] | HeldGauges.Gauges : fields[i]);
        }

        SendDueGauges();
        _topic.Publish();
    }

    // The intake's thread, after any wake: held gauges are sent once due even when no batch follows the last reading.
    private void OnWoke()
    {
        if (SendDueGauges()) _topic.Publish();
    }

    private bool SendDueGauges()
    {
        // Still present: a removal forgot its key.
        var interval = GaugeIntervalNow;
        var sent = false;
        while (_gaugesHeld.TryTakeDue(interval, out var key))
        {
            PatchGauges(key);
            sent = true;
        }

        return sent;
    }

    // An update sends what it changed: only those fields are written and merged, not the whole agent (a status
    // change at 10,000 agents cost a full serialization and a full merge of every field before). The names and the
    // formatting are the REST item's (AgentView through ApiJsonContext, whose Utf8JsonWriter calls these same
    // methods); AgentsTopicTests compares a topic rebuilt from patches with REST field by field.
    private void PatchFields(int key, AgentFields fields)
    {
        // Read, not described: a busy swarm changes a status or a task count somewhere on every tick, and an AgentInfo
        // per such update was garbage the intake's thread made thousands of times a second.
        var intake = _mcp.Intake;
        intake.ReadGauges(key, out var cpu, out var memory, out var tokens, out var lastSeen, out _);
        intake.ReadAttributes(key, out var type, out var status, out var tasks, out var swarm, out var stale, out var health, out var createdAt, out var model);
        var w = _item.Begin();
        if ((fields & AgentFields.Type) != 0) WriteText(w, "type"u8, type);
        if ((fields & AgentFields.Status) != 0) WriteText(w, "status"u8, status);
        if ((fields & AgentFields.CpuUsage) != 0) WriteNumber(w, "cpu_usage"u8, cpu);
        if ((fields & AgentFields.MemoryUsage) != 0) WriteNumber(w, "memory_usage"u8, memory);
        if ((fields & AgentFields.TasksActive) != 0) WriteNumber(w, "tasks_active"u8, tasks);
        if ((fields & AgentFields.TokensUsed) != 0) WriteNumber(w, "tokens_used"u8, tokens);
        if ((fields & AgentFields.Swarm) != 0) WriteText(w, "swarm_id"u8, swarm);
        w.WriteString("last_seen"u8, lastSeen);
        if ((fields & AgentFields.Stale) != 0) w.WriteBoolean("stale"u8, stale);
        if ((fields & AgentFields.Health) != 0) WriteNumber(w, "health"u8, health);
        if ((fields & AgentFields.CreatedAt) != 0)
        {
            if (createdAt is { } created) w.WriteString("created_at"u8, created);
            else w.WriteNull("created_at"u8);
        }

        if ((fields & AgentFields.Model) != 0) WriteText(w, "model"u8, model);
        Patch(key);
    }

    // Held gauges: read without describing the agent (ten thousand a second in a big swarm, none allocated).
    private void PatchGauges(int key)
    {
        _mcp.Intake.ReadGauges(key, out var cpu, out var memory, out var tokens, out var lastSeen, out _);
        var w = _item.Begin();
        WriteNumber(w, "cpu_usage"u8, cpu);
        WriteNumber(w, "memory_usage"u8, memory);
        WriteNumber(w, "tokens_used"u8, tokens);
        w.WriteString("last_seen"u8, lastSeen);
        Patch(key);
    }

    // The fields just written, into the agent's item; an agent the topic does not hold (a handle not yet set) is upserted whole.
    private void Patch(int key)
    {
        var handle = (uint)key < (uint)_handles.Length ? _handles[key] : default;
        if (!_topic.Patch(handle, _item.End())) Upsert(key, _mcp.Intake.DescribeAgent(key));
    }

    private static void WriteText(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    private static void WriteNumber(Utf8JsonWriter w, ReadOnlySpan<byte> name, float? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    private static void WriteNumber(Utf8JsonWriter w, ReadOnlySpan<byte> name, long? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    private static void WriteNumber(Utf8JsonWriter w, ReadOnlySpan<byte> name, int? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    private TimeSpan GaugeIntervalNow => _topics.HasSubscribers ? GaugeInterval : IdleGaugeInterval;

    private void Upsert(int key, AgentInfo agent)
    {
        JsonSerializer.Serialize(_item.Reset(), AgentsResponseCache.ToView(agent), ApiJsonContext.Default.AgentView);
        _topic.Upsert(agent.Id, _item.Written(), out var handle);
        if ((uint)key >= (uint)_handles.Length) Array.Resize(ref _handles, Math.Max(key + 1, _handles.Length * 2));
        _handles[key] = handle;
    }
}

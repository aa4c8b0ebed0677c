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
/// moved gauges only is therefore held back and sent once <see cref="GaugeInterval"/> has passed — every held agent once,
/// as it then is, with the next batch or, when none comes, at the intake's next wake (<see cref="TelemetryIntake.Woke"/>:
/// a last reading before a swarm goes quiet is not kept from the viewer) — while anything else (a new agent, status,
/// health, swarm, stale, tasks, type, model) is sent at once. The REST list is unaffected. While no <c>/ws</c> session
/// is connected held gauges wait <see cref="IdleGaugeInterval"/> instead: with nobody watching, a busy swarm's gauges
/// cost the topic a set insert each and a serialization every ten seconds, and a viewer that connects gets them within
/// <see cref="GaugeInterval"/>, as anyone gets held gauges.
/// </remarks>
internal sealed class AgentsTopic
{
    private readonly McpServices _mcp;
    private readonly KeyedTopic _topic;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;
    private readonly TimeProvider _time;
    private readonly StreamTopics _topics;
    private readonly HashSet<int> _gaugesHeld = [];
    private long _gaugesSentAt;

    /// <summary>
    /// How long an update of gauges only may wait to be sent with others: a second, the rate the recorder keeps gauges
    /// at, so every agent's gauges cost a viewer less than the two-second full list it used to poll (bench attributes).
    /// </summary>
    internal static readonly TimeSpan GaugeInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long held gauges wait while no <c>/ws</c> session is connected.</summary>
    internal static readonly TimeSpan IdleGaugeInterval = TimeSpan.FromSeconds(10);

    private const AgentFields Gauges = AgentFields.CpuUsage | AgentFields.MemoryUsage | AgentFields.TokensUsed;

    public AgentsTopic(McpServices mcp, StreamTopics topics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(mcp);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(time);
        _mcp = mcp;
        _time = time;
        _topics = topics;
        _gaugesSentAt = time.GetTimestamp();
        _writer = new Utf8JsonWriter(_buffer);
        _topic = topics.Register("agents", "agents");
        mcp.Intake.ChangesApplied += OnChanges;
        mcp.Intake.Woke += OnWoke;
    }

    private void OnChanges(AgentChangeSet changes)
    {
        var intake = _mcp.Intake;
        foreach (var key in changes.Removed)
        {
            _gaugesHeld.Remove(key); // a key is reused only by a later batch's new agent
            _topic.Remove(intake.AgentId(key));
        }

        foreach (var key in changes.Added)
        {
            _gaugesHeld.Remove(key);
            Upsert(intake.DescribeAgent(key));
        }

        var updated = changes.Updated;
        var fields = changes.UpdatedFields;
        for (var i = 0; i < updated.Length; i++)
        {
            if ((fields[i] & ~Gauges) == 0)
            {
                _gaugesHeld.Add(updated[i]);
                continue;
            }

            _gaugesHeld.Remove(updated[i]);
            Upsert(intake.DescribeAgent(updated[i]));
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
        if (_gaugesHeld.Count == 0 || _time.GetElapsedTime(_gaugesSentAt) < (_topics.HasSubscribers ? GaugeInterval : IdleGaugeInterval))
        {
            return false;
        }

        // Still present: a removal took its key out of the set.
        var intake = _mcp.Intake;
        foreach (var key in _gaugesHeld) Upsert(intake.DescribeAgent(key));
        _gaugesHeld.Clear();
        _gaugesSentAt = _time.GetTimestamp();
        return true;
    }

    private void Upsert(AgentInfo agent)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        JsonSerializer.Serialize(_writer, AgentsResponseCache.ToView(agent), ApiJsonContext.Default.AgentView);
        _writer.Flush();
        _topic.Upsert(agent.Id, _buffer.WrittenSpan);
    }
}

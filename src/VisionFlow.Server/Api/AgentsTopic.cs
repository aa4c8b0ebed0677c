using System.Buffers;
using System.Text.Json;
using VisionFlow.Agents.Cache;
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
/// moved gauges only is therefore held back and sent with the next batch after <see cref="GaugeInterval"/> — every held
/// agent once, as it then is — while anything else (a new agent, status, health, swarm, stale, tasks, type, model) is
/// sent at once. The REST list is unaffected. While no <c>/ws</c> session is connected held gauges wait
/// <see cref="IdleGaugeInterval"/> instead: with nobody watching, a busy swarm's gauges cost the topic a set insert each
/// and a serialization every ten seconds, and a viewer that connects gets them with the first batch after it (as anyone
/// gets held gauges), never older than that.
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

    /// <summary>How long an update of gauges only may wait to be sent with others.</summary>
    internal static readonly TimeSpan GaugeInterval = TimeSpan.FromMilliseconds(500);

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

        if (_gaugesHeld.Count > 0 && _time.GetElapsedTime(_gaugesSentAt) >= (_topics.HasSubscribers ? GaugeInterval : IdleGaugeInterval))
        {
            // Still present: a removal above took its key out of the set.
            foreach (var key in _gaugesHeld) Upsert(intake.DescribeAgent(key));
            _gaugesHeld.Clear();
            _gaugesSentAt = _time.GetTimestamp();
        }

        _topic.Publish();
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

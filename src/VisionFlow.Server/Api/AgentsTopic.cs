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
internal sealed class AgentsTopic
{
    private readonly McpServices _mcp;
    private readonly KeyedTopic _topic;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public AgentsTopic(McpServices mcp, StreamTopics topics)
    {
        ArgumentNullException.ThrowIfNull(mcp);
        ArgumentNullException.ThrowIfNull(topics);
        _mcp = mcp;
        _writer = new Utf8JsonWriter(_buffer);
        _topic = topics.Register("agents", "agents");
        mcp.Intake.ChangesApplied += OnChanges;
    }

    private void OnChanges(AgentChangeSet changes)
    {
        var intake = _mcp.Intake;
        foreach (var key in changes.Removed)
        {
            _topic.Remove(intake.AgentId(key));
        }

        foreach (var key in changes.Added)
        {
            Upsert(intake.DescribeAgent(key));
        }

        foreach (var key in changes.Updated)
        {
            Upsert(intake.DescribeAgent(key));
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

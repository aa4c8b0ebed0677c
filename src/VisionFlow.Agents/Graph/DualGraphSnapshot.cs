using VisionFlow.Agents.Knowledge;
using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Agents.Graph;

/// <summary>
/// One publication of the <see cref="DualGraph"/>: what was laid out, from immutable inputs. The agents' attributes are
/// not in it (they change far more often than the layout): <c>/api/graph</c> renders them from the agent snapshot it
/// reads when asked.
/// </summary>
public sealed class DualGraphSnapshot
{
    private readonly uint[] _knowledgeIds;
    private readonly StructureHubs.Layout _hubs;
    private readonly (uint Hub, uint Agent, bool Assignment)[] _hubEdges;

    internal DualGraphSnapshot(
        long version, KnowledgeSet? knowledge, uint[] knowledgeIds, int agentNodes, string? agentGraphOffReason,
        StructureHubs.Layout? hubs = null, (uint Hub, uint Agent, bool Assignment)[]? hubEdges = null)
    {
        _hubs = hubs ?? StructureHubs.Layout.None;
        _hubEdges = hubEdges ?? [];
        Version = version;
        Knowledge = knowledge;
        _knowledgeIds = knowledgeIds;
        AgentNodes = agentNodes;
        AgentGraphOffReason = agentGraphOffReason;
    }

    /// <summary>Before the first build.</summary>
    public static DualGraphSnapshot Empty { get; } = new(0, null, [], 0, "starting");

    /// <summary>Increases with every publication.</summary>
    public long Version { get; }

    /// <summary>The knowledge set shown; null when the knowledge graph is off.</summary>
    public KnowledgeSet? Knowledge { get; }

    /// <summary>Node ids of <see cref="Knowledge"/>'s notes, in note order.</summary>
    public ReadOnlySpan<uint> KnowledgeIds => _knowledgeIds;

    /// <summary>Whether the agent graph is shown (<see cref="AgentGraphOffReason"/> says why not).</summary>
    public bool AgentGraphShown => AgentGraphOffReason is null;

    /// <summary>Agent nodes laid out (0 when the agent graph is off).</summary>
    public int AgentNodes { get; }

    /// <summary>Why the agent graph is off, when it is.</summary>
    public string? AgentGraphOffReason { get; }

    /// <summary>Whether the knowledge graph is shown.</summary>
    public bool KnowledgeGraphEnabled => Knowledge is not null;

    /// <summary>Knowledge nodes in this build.</summary>
    public int KnowledgeNodes => _knowledgeIds.Length;

    /// <summary>All nodes in this build.</summary>
    public int NodeCount => _knowledgeIds.Length + AgentNodes + _hubs.Ids.Length;

    /// <summary>Node ids of the hubs, swarms (<see cref="SwarmHubs"/>, ids <c>0xC0000000 | key</c>) then tasks (<see cref="TaskHubs"/>, <c>0xE0000000 | key</c>).</summary>
    public ReadOnlySpan<uint> HubIds => _hubs.Ids;

    /// <summary>The swarms drawn as hubs, in <see cref="HubIds"/> order.</summary>
    public IReadOnlyList<SwarmInfo> SwarmHubs => _hubs.Swarms;

    /// <summary>The open tasks drawn as hubs, after the swarms in <see cref="HubIds"/>.</summary>
    public IReadOnlyList<TaskSummary> TaskHubs => _hubs.Tasks;

    /// <summary>
    /// The hubs' edges as node ids: a swarm hub and one of its agents (membership), or a task hub and an agent it is
    /// assigned to (<c>Assignment</c>).
    /// </summary>
    public IReadOnlyList<(uint Hub, uint Agent, bool Assignment)> HubEdges() => _hubEdges;
}

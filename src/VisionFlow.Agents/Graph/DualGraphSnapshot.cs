using VisionFlow.Agents.Knowledge;

namespace VisionFlow.Agents.Graph;

/// <summary>
/// One publication of the <see cref="DualGraph"/>: what was laid out, from immutable inputs. The agents' attributes are
/// not in it (they change far more often than the layout): <c>/api/graph</c> renders them from the agent snapshot it
/// reads when asked.
/// </summary>
public sealed class DualGraphSnapshot
{
    private readonly uint[] _knowledgeIds;

    internal DualGraphSnapshot(long version, KnowledgeSet? knowledge, uint[] knowledgeIds, int agentNodes, string? agentGraphOffReason)
    {
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
    public int NodeCount => _knowledgeIds.Length + AgentNodes;
}

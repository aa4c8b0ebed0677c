namespace VisionFlow.Agents.Graph;

/// <summary>
/// Node id space shared with the 28-byte wire record: bit 31 set = agent graph, clear = knowledge node. Inside the agent
/// graph the next two bits tell the node's kind: <c>0x80000000 | key</c> an agent, <c>0xC0000000 | key</c> a swarm hub,
/// <c>0xE0000000 | key</c> a task hub (keys below 2^29).
/// </summary>
internal static class NodeIds
{
    /// <summary>The agent-graph bit.</summary>
    public const uint AgentFlag = 0x80000000u;

    /// <summary>The bits of a swarm hub.</summary>
    public const uint SwarmFlag = 0xC0000000u;

    /// <summary>The bits of a task hub.</summary>
    public const uint TaskFlag = 0xE0000000u;

    /// <summary>The key bits of an agent-graph node: below the three kind bits.</summary>
    public const uint KeyMask = 0x1FFFFFFFu;

    /// <summary>Node id of agent key <paramref name="agentKey"/>.</summary>
    public static uint Agent(int agentKey) => AgentFlag | ((uint)agentKey & KeyMask);

    /// <summary>Node id of swarm hub key <paramref name="swarmKey"/>.</summary>
    public static uint Swarm(int swarmKey) => SwarmFlag | ((uint)swarmKey & KeyMask);

    /// <summary>Node id of task hub key <paramref name="taskKey"/>.</summary>
    public static uint Task(int taskKey) => TaskFlag | ((uint)taskKey & KeyMask);

    /// <summary>Node id of knowledge key <paramref name="knowledgeKey"/>.</summary>
    public static uint Knowledge(int knowledgeKey) => (uint)knowledgeKey & ~AgentFlag;

    /// <summary>Whether <paramref name="nodeId"/> belongs to the agent graph (an agent or a hub).</summary>
    public static bool IsAgent(uint nodeId) => (nodeId & AgentFlag) != 0;

    /// <summary>Whether <paramref name="nodeId"/> is a swarm hub.</summary>
    public static bool IsSwarm(uint nodeId) => (nodeId & TaskFlag) == SwarmFlag;

    /// <summary>Whether <paramref name="nodeId"/> is a task hub.</summary>
    public static bool IsTask(uint nodeId) => (nodeId & TaskFlag) == TaskFlag;

    /// <summary>The key inside either id space (an agent-graph node's without its kind bits).</summary>
    public static int KeyOf(uint nodeId) => (int)(IsAgent(nodeId) ? nodeId & KeyMask : nodeId);
}

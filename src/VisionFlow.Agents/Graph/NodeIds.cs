namespace VisionFlow.Agents.Graph;

/// <summary>Node id space shared with the 28-byte wire record: bit 31 set = agent node, clear = knowledge node.</summary>
internal static class NodeIds
{
    /// <summary>The agent bit.</summary>
    public const uint AgentFlag = 0x80000000u;

    /// <summary>Node id of agent key <paramref name="agentKey"/>.</summary>
    public static uint Agent(int agentKey) => AgentFlag | ((uint)agentKey & ~AgentFlag);

    /// <summary>Node id of knowledge key <paramref name="knowledgeKey"/>.</summary>
    public static uint Knowledge(int knowledgeKey) => (uint)knowledgeKey & ~AgentFlag;

    /// <summary>Whether <paramref name="nodeId"/> is an agent node.</summary>
    public static bool IsAgent(uint nodeId) => (nodeId & AgentFlag) != 0;

    /// <summary>The key inside either id space.</summary>
    public static int KeyOf(uint nodeId) => (int)(nodeId & ~AgentFlag);
}

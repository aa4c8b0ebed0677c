namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Params of <c>multi-agent.initialize</c>: <c>{topology, agents, task}</c>.</summary>
internal sealed record MultiAgentInitializeParams
{
    /// <summary>Topology, e.g. <c>mesh</c>, <c>hierarchical</c>, <c>ring</c>, <c>star</c>.</summary>
    public required string Topology { get; init; }

    /// <summary>Types of the agents to spawn into it.</summary>
    public IReadOnlyList<string>? Agents { get; init; }

    /// <summary>Task the multi-agent system works on.</summary>
    public string? Task { get; init; }
}

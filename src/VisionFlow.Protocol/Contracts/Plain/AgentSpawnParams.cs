namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Params of <c>agent.spawn</c>: <c>{type, task, config}</c>.</summary>
internal sealed record AgentSpawnParams
{
    /// <summary>Agent type, e.g. <c>coordinator</c>, <c>researcher</c>, <c>coder</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Task the agent starts with.</summary>
    public string? Task { get; init; }

    /// <summary>Model settings.</summary>
    public AgentConfig? Config { get; init; }
}

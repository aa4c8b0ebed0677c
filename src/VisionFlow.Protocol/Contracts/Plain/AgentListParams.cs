namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Params of <c>agent.list</c>: <c>{filter, limit}</c>; both optional.</summary>
internal sealed record AgentListParams
{
    /// <summary>Server-side filter, e.g. a status or type.</summary>
    public string? Filter { get; init; }

    /// <summary>Most agents to return.</summary>
    public int? Limit { get; init; }
}

namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Result of <c>agent.terminate</c>.</summary>
internal sealed record AgentTerminateResult
{
    /// <summary>The terminated agent.</summary>
    public string? AgentId { get; init; }

    /// <summary>Final status, e.g. <c>terminated</c>.</summary>
    public string? Status { get; init; }
}

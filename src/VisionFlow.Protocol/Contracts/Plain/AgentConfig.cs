namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Model settings for a spawned agent (<c>config</c> of <c>agent.spawn</c>).</summary>
internal sealed record AgentConfig
{
    /// <summary>Token budget per response (<c>max_tokens</c>).</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Sampling temperature.</summary>
    public double? Temperature { get; init; }
}

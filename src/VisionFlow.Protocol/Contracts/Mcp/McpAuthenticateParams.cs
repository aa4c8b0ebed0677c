namespace VisionFlow.Protocol.Contracts.Mcp;

/// <summary>Params of the TCP bridge's optional first request <c>authenticate</c>: <c>{token}</c>.</summary>
public sealed record McpAuthenticateParams
{
    /// <summary>The shared secret the bridge was started with.</summary>
    public required string Token { get; init; }
}

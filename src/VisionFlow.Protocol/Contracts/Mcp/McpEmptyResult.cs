namespace VisionFlow.Protocol.Contracts.Mcp;

/// <summary>The empty object <c>{}</c> that <c>ping</c> answers with.</summary>
public sealed record McpEmptyResult;

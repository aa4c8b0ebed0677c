namespace VisionFlow.Protocol.Contracts.Mcp;

/// <summary>One content item of a tool result: <c>{type, text}</c>.</summary>
public sealed record McpContent
{
    /// <summary>Content type; Claude Flow answers <c>text</c> holding JSON.</summary>
    public required string Type { get; init; }

    /// <summary>Text of a <c>text</c> item.</summary>
    public string? Text { get; init; }
}

using System.Text.Json;

namespace VisionFlow.Protocol.Contracts.Mcp;

/// <summary>Result of <c>tools/call</c>: <c>{content, isError}</c>.</summary>
public sealed record McpToolCallResult
{
    /// <summary>Result content.</summary>
    public required IReadOnlyList<McpContent> Content { get; init; }

    /// <summary>True when the tool failed (the call itself succeeded).</summary>
    public bool? IsError { get; init; }

    /// <summary>Structured result, when the server sends one.</summary>
    public JsonElement? StructuredContent { get; init; }
}

namespace VisionFlow.Protocol.Contracts.Mcp;

/// <summary>Result of <c>tools/list</c>: <c>{tools, nextCursor}</c>.</summary>
public sealed record McpToolsListResult
{
    /// <summary>The tools on this page.</summary>
    public required IReadOnlyList<McpTool> Tools { get; init; }

    /// <summary>Cursor of the next page; absent on the last.</summary>
    public string? NextCursor { get; init; }
}

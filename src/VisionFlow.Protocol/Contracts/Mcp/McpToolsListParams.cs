namespace VisionFlow.Protocol.Contracts.Mcp;

/// <summary>Params of <c>tools/list</c>: <c>{cursor}</c> to fetch the page after a <c>nextCursor</c>.</summary>
public sealed record McpToolsListParams
{
    /// <summary>Opaque page cursor.</summary>
    public string? Cursor { get; init; }
}

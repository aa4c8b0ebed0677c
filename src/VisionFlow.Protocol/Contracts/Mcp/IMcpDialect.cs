namespace VisionFlow.Protocol.Contracts.Mcp;

/// <summary>
/// The MCP methods VisionFlow uses: handshake, tool discovery and tool calls, camelCase on the wire.
/// The generator emits <c>McpDialectMethods</c>, <c>McpDialectClient</c> and <c>McpDialectDispatch</c> from it.
/// </summary>
[JsonRpcContract(typeof(McpJsonContext))]
public interface IMcpDialect
{
    /// <summary>Opens the session: protocol version and capabilities both ways.</summary>
    [JsonRpcMethod("initialize")]
    ValueTask<McpInitializeResult> InitializeAsync(McpInitializeParams parameters, CancellationToken cancellationToken = default);

    /// <summary>Tells the server the client finished initializing.</summary>
    [JsonRpcMethod("notifications/initialized", IsNotification = true)]
    ValueTask InitializedAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists the server's tools, one page per call; params may be omitted for the first page.</summary>
    [JsonRpcMethod("tools/list")]
    ValueTask<McpToolsListResult> ListToolsAsync(McpToolsListParams? parameters, CancellationToken cancellationToken = default);

    /// <summary>Calls a tool; a tool failure is a successful result with <c>isError</c> set.</summary>
    [JsonRpcMethod("tools/call")]
    ValueTask<McpToolCallResult> CallToolAsync(McpToolCallParams parameters, CancellationToken cancellationToken = default);

    /// <summary>Liveness probe; answered with <c>{}</c>.</summary>
    [JsonRpcMethod("ping")]
    ValueTask<McpEmptyResult> PingAsync(CancellationToken cancellationToken = default);
}

namespace VisionFlow.Protocol.Contracts.Mcp;

/// <summary>
/// Requests answered by the original's TCP bridge itself rather than by the MCP server behind it.
/// The generator emits <c>McpBridgeMethods</c>, <c>McpBridgeClient</c> and <c>McpBridgeDispatch</c> from it.
/// </summary>
[JsonRpcContract(typeof(McpJsonContext))]
public interface IMcpBridge
{
    /// <summary>
    /// Authenticates the connection; must be the first request when the bridge requires a token. A bad token is
    /// error -32000 (<see cref="JsonRpcErrorCodes.ServerError"/>) and the bridge closes the connection. The success
    /// result's shape is bridge-defined, so it stays raw JSON.
    /// </summary>
    [JsonRpcMethod("authenticate")]
    ValueTask<System.Text.Json.JsonElement> AuthenticateAsync(McpAuthenticateParams parameters, CancellationToken cancellationToken = default);
}

using System.Text.Json;
using VisionFlow.Protocol.Contracts;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Simulator.Json;

namespace VisionFlow.Simulator.Dialects;

/// <summary>
/// The MCP methods from the server's side, for the contract generator: the wire names of <see cref="IMcpDialect"/>,
/// with lenient params (a client's <c>initialize</c> is answered whatever it sends) and the simulator's own results:
/// a <c>serverInfo</c> that says simulated, claude-flow's tool schemas as they are, and tool results as text. The
/// generator emits <c>SimulatorMcpDialectDispatch</c> from it.
/// </summary>
[JsonRpcContract(typeof(McpSessionJsonContext))]
internal interface ISimulatorMcpDialect
{
    [JsonRpcMethod(McpDialectMethods.Initialize)]
    ValueTask<SimulatorInitializeResult> InitializeAsync(JsonDocument? parameters, CancellationToken cancellationToken);

    [JsonRpcMethod(McpDialectMethods.Initialized, IsNotification = true)]
    ValueTask InitializedAsync(CancellationToken cancellationToken);

    [JsonRpcMethod(McpDialectMethods.Ping)]
    ValueTask<McpEmptyResult> PingAsync(CancellationToken cancellationToken);

    [JsonRpcMethod(McpDialectMethods.ListTools)]
    ValueTask<ToolsList> ListToolsAsync(CancellationToken cancellationToken);

    [JsonRpcMethod(McpDialectMethods.CallTool)]
    ValueTask<ToolText> CallToolAsync(JsonDocument? parameters, CancellationToken cancellationToken);
}

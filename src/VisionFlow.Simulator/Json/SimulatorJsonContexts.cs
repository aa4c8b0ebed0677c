using System.Text.Json;
using System.Text.Json.Serialization;

namespace VisionFlow.Simulator.Json;

/// <summary>Source-generated JSON for the MCP tool results: camelCase, 2-space indented like claude-flow's text.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(McpSwarmInitResult))]
[JsonSerializable(typeof(McpAgentSpawnResult))]
[JsonSerializable(typeof(McpAgentListResult))]
[JsonSerializable(typeof(McpAgentStatusResult))]
[JsonSerializable(typeof(McpAgentTerminateResult))]
[JsonSerializable(typeof(McpSwarmStatusResult))]
[JsonSerializable(typeof(McpSwarmShutdownResult))]
[JsonSerializable(typeof(McpSwarmHealthResult))]
[JsonSerializable(typeof(McpTaskCreateResult))]
[JsonSerializable(typeof(McpTaskStatusResult))]
[JsonSerializable(typeof(McpTaskListResult))]
[JsonSerializable(typeof(McpTaskAssignResult))]
[JsonSerializable(typeof(McpTaskUpdateResult))]
[JsonSerializable(typeof(McpTaskCompleteResult))]
[JsonSerializable(typeof(McpTaskCancelResult))]
[JsonSerializable(typeof(McpOrchestrateResult))]
[JsonSerializable(typeof(McpSystemMetricsResult))]
[JsonSerializable(typeof(McpSystemStatusResult))]
[JsonSerializable(typeof(McpFailure))]
[JsonSerializable(typeof(McpNotFound))]
internal sealed partial class McpResultJsonContext : JsonSerializerContext;

/// <summary>Source-generated JSON for the plain-method results (snake_case like the seed's shapes) and the raw params document.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(PlainAgentSpawnResult))]
[JsonSerializable(typeof(PlainAgentListResult))]
[JsonSerializable(typeof(PlainAgentStatusResult))]
[JsonSerializable(typeof(PlainAgentTerminateResult))]
[JsonSerializable(typeof(PlainMultiAgentInitResult))]
[JsonSerializable(typeof(PlainMultiAgentStatusResult))]
[JsonSerializable(typeof(PlainMultiAgentDissolveResult))]
[JsonSerializable(typeof(PlainTaskAssignResult))]
[JsonSerializable(typeof(PlainTaskStatusResult))]
[JsonSerializable(typeof(PlainTaskCancelResult))]
[JsonSerializable(typeof(PlainTelemetrySubscribeResult))]
[JsonSerializable(typeof(PlainPingResult))]
[JsonSerializable(typeof(JsonDocument))]
internal sealed partial class PlainResultJsonContext : JsonSerializerContext;

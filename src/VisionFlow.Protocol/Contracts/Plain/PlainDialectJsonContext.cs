using System.Text.Json;
using System.Text.Json.Serialization;

namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Source-generated JSON metadata for <see cref="IPlainDialect"/>: snake_case names, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentSpawnParams))]
[JsonSerializable(typeof(AgentSpawnResult))]
[JsonSerializable(typeof(AgentListParams))]
[JsonSerializable(typeof(AgentListResult))]
[JsonSerializable(typeof(AgentIdParams))]
[JsonSerializable(typeof(AgentTerminateResult))]
[JsonSerializable(typeof(AgentStatusResult))]
[JsonSerializable(typeof(MultiAgentInitializeParams))]
[JsonSerializable(typeof(MultiAgentIdParams))]
[JsonSerializable(typeof(MultiAgentStatusResult))]
[JsonSerializable(typeof(MultiAgentDissolveResult))]
[JsonSerializable(typeof(TaskAssignParams))]
[JsonSerializable(typeof(TaskIdParams))]
[JsonSerializable(typeof(TaskStatusResult))]
[JsonSerializable(typeof(TelemetrySubscribeParams))]
[JsonSerializable(typeof(TelemetrySubscribeResult))]
[JsonSerializable(typeof(TelemetryPushLine))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class PlainDialectJsonContext : JsonSerializerContext;

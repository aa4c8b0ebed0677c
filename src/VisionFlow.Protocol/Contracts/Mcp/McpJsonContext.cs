using System.Text.Json;
using System.Text.Json.Serialization;

namespace VisionFlow.Protocol.Contracts.Mcp;

/// <summary>Source-generated JSON metadata for <see cref="IMcpDialect"/> and <see cref="IMcpBridge"/>: camelCase names, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(McpInitializeParams))]
[JsonSerializable(typeof(McpInitializeResult))]
[JsonSerializable(typeof(McpToolsListParams))]
[JsonSerializable(typeof(McpToolsListResult))]
[JsonSerializable(typeof(McpToolCallParams))]
[JsonSerializable(typeof(McpToolCallResult))]
[JsonSerializable(typeof(McpEmptyResult))]
[JsonSerializable(typeof(McpAuthenticateParams))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class McpJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace VisionFlow.Bench;

/// <summary>Parameters of the benchmarks' <c>add</c> method.</summary>
public sealed record BenchAddParams(int A, int B);

/// <summary>Realistic request parameters: an MCP <c>tools/call</c>.</summary>
public sealed record BenchToolCall(string Name, BenchSpawnArguments Arguments);

/// <summary>Arguments of <c>agent_spawn</c>.</summary>
public sealed record BenchSpawnArguments(string AgentType, string SwarmId);

/// <summary>Payload of a telemetry push line.</summary>
public sealed record BenchAgentStatus(string Id, string Status, double Cpu, double Memory, int Tasks);

/// <summary>A Claude Flow telemetry push line.</summary>
public sealed record BenchPushLine(string Type, BenchAgentStatus Data, DateTimeOffset Timestamp);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BenchAddParams))]
[JsonSerializable(typeof(BenchToolCall))]
[JsonSerializable(typeof(BenchPushLine))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
internal sealed partial class ProtocolBenchJson : JsonSerializerContext;

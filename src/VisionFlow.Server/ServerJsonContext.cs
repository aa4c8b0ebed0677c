using System.Text.Json.Serialization;
using VisionFlow.Server.Health;
using VisionFlow.Server.Security;

namespace VisionFlow.Server;

/// <summary>Source-generated JSON for every type the HTTP surface writes or reads.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    // Request bodies: a field we do not know is an error, never silently dropped (JsonBody names it first).
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(ProbeReport))]
[JsonSerializable(typeof(SessionRequest))]
[JsonSerializable(typeof(Api.SwarmInitBody))]
[JsonSerializable(typeof(Api.AgentSpawnBody))]
[JsonSerializable(typeof(Api.AgentSpawnConfig))]
[JsonSerializable(typeof(Api.TaskCreateBody))]
[JsonSerializable(typeof(Api.AgentView))]
[JsonSerializable(typeof(Api.AgentsResponse))]
[JsonSerializable(typeof(Api.AgentQueryResponse))]
[JsonSerializable(typeof(Api.BotsStatusResponse))]
[JsonSerializable(typeof(Graph.GraphView))]
[JsonSerializable(typeof(Protocol.Dialects.SwarmInfo))]
[JsonSerializable(typeof(Protocol.Dialects.AgentSummary))]
[JsonSerializable(typeof(Protocol.Dialects.TaskSummary))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;

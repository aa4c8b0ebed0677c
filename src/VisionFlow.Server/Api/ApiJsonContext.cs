using System.Text.Json.Serialization;

namespace VisionFlow.Server.Api;

/// <summary>Source-generated JSON for what the REST API (<c>/api/bots/*</c>, <c>/api/graph</c>) reads and writes.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    // Request bodies: a field we do not know is an error, never silently dropped (JsonBody names it first).
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(SwarmInitBody))]
[JsonSerializable(typeof(AgentSpawnBody))]
[JsonSerializable(typeof(AgentSpawnConfig))]
[JsonSerializable(typeof(TaskCreateBody))]
[JsonSerializable(typeof(TaskAssignBody))]
[JsonSerializable(typeof(TasksResponse))]
[JsonSerializable(typeof(SwarmsResponse))]
[JsonSerializable(typeof(AgentView))]
[JsonSerializable(typeof(AgentsResponse))]
[JsonSerializable(typeof(AgentQueryResponse))]
[JsonSerializable(typeof(BotsStatusResponse))]
[JsonSerializable(typeof(Graph.GraphView))]
[JsonSerializable(typeof(Protocol.Dialects.SwarmInfo))]
[JsonSerializable(typeof(Protocol.Dialects.AgentSummary))]
[JsonSerializable(typeof(Protocol.Dialects.TaskSummary))]
// Problem extensions (a refused initialize's rolled-back ids and flags) are written through this context too.
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(bool))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;

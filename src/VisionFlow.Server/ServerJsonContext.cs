using System.Text.Json.Serialization;
using VisionFlow.Server.Health;

namespace VisionFlow.Server;

/// <summary>Source-generated JSON for every type the HTTP surface writes or reads.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;
using VisionFlow.Server.Health;
using VisionFlow.Server.Security;

namespace VisionFlow.Server;

/// <summary>Source-generated JSON for every type the HTTP surface writes or reads.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(SessionRequest))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace VisionFlow.Server.Health;

/// <summary>Source-generated JSON for the health endpoints.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(ProbeReport))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;

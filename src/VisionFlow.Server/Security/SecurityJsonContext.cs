using System.Text.Json.Serialization;

namespace VisionFlow.Server.Security;

/// <summary>Source-generated JSON for the session endpoint's body.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(SessionRequest))]
internal sealed partial class SecurityJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace VisionFlow.Server.History;

/// <summary>Source-generated JSON of <c>/api/history*</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(HistorySummaryResponse))]
[JsonSerializable(typeof(HistoryStateResponse))]
[JsonSerializable(typeof(HistoryEventsResponse))]
internal sealed partial class HistoryJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;

namespace VisionFlow.Protocol.Tests;

internal sealed record AddParams(int A, int B);

internal sealed record EchoPayload(string Text, int Number);

internal sealed record PushPayload(string Type, EchoPayload Data, string Timestamp);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AddParams))]
[JsonSerializable(typeof(EchoPayload))]
[JsonSerializable(typeof(PushPayload))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class TestJson : JsonSerializerContext;

using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using VisionFlow.Protocol.Contracts.Mcp;

// The MCP session's own results (initialize, tools/list, tools/call), as opposed to the tools' result texts in
// McpResults.cs: one line each, camelCase.
namespace VisionFlow.Simulator.Json;

/// <summary>The <c>initialize</c> result: the negotiated revision, the tools capability and a labelled <c>serverInfo</c>.</summary>
internal sealed record SimulatorInitializeResult(string ProtocolVersion, SimulatorCapabilities Capabilities, SimulatorServerInfo ServerInfo, string Instructions);

internal sealed record SimulatorCapabilities(SimulatorToolsCapability Tools);

internal sealed record SimulatorToolsCapability(bool ListChanged);

internal sealed record SimulatorServerInfo(string Name, string Title, string Version)
{
    public bool Simulated => true;
}

/// <summary>A <c>tools/list</c> result kept as the UTF-8 JSON it is sent as (claude-flow's schemas, written as they are).</summary>
[JsonConverter(typeof(ToolsListConverter))]
internal sealed class ToolsList(byte[] json)
{
    public ReadOnlyMemory<byte> Json { get; } = json;
}

internal sealed class ToolsListConverter : JsonConverter<ToolsList>
{
    public override ToolsList Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("the simulator only writes tools/list results");

    public override void Write(Utf8JsonWriter writer, ToolsList value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Json.Span, skipInputValidation: true);
}

/// <summary>
/// A tool's result as MCP carries it, <c>{"content":[{"type":"text","text":"&lt;the result's JSON&gt;"}]}</c>: the
/// result is kept as a value (built under the simulator's lock, a snapshot) and rendered to its indented JSON text only
/// when the response is written, into the dialect's one scratch buffer.
/// </summary>
[JsonConverter(typeof(ToolTextConverter))]
internal abstract class ToolText(ToolTextScratch scratch)
{
    public ToolTextScratch Scratch { get; } = scratch;

    /// <summary>Writes the result value itself (the future <c>text</c>).</summary>
    public abstract void WriteValue(Utf8JsonWriter writer);
}

internal sealed class ToolText<T>(T value, JsonTypeInfo<T> type, ToolTextScratch scratch) : ToolText(scratch)
{
    public override void WriteValue(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, value, type);
}

/// <summary>One reusable buffer for tool texts and the lock that gives it to one response at a time.</summary>
internal sealed class ToolTextScratch
{
    public Lock Gate { get; } = new();

    public ArrayBufferWriter<byte> Text { get; } = new(4096);
}

internal sealed class ToolTextConverter : JsonConverter<ToolText>
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    public override ToolText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("the simulator only writes tool results");

    public override void Write(Utf8JsonWriter writer, ToolText value, JsonSerializerOptions options)
    {
        var scratch = value.Scratch;
        lock (scratch.Gate)
        {
            scratch.Text.ResetWrittenCount();
            using (var text = new Utf8JsonWriter(scratch.Text, Indented))
            {
                value.WriteValue(text);
            }

            writer.WriteStartObject();
            writer.WriteStartArray("content");
            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("text", scratch.Text.WrittenSpan);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
    }
}

/// <summary>Source-generated JSON for the MCP session's results (one line each) and the raw params document.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SimulatorInitializeResult))]
[JsonSerializable(typeof(McpEmptyResult))]
[JsonSerializable(typeof(ToolsList))]
[JsonSerializable(typeof(ToolText))]
[JsonSerializable(typeof(JsonDocument))]
internal sealed partial class McpSessionJsonContext : JsonSerializerContext;

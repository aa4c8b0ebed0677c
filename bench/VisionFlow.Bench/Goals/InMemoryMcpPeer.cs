using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace VisionFlow.Bench.Goals;

/// <summary>
/// A minimal MCP peer on in-memory pipes: answers <c>initialize</c> with a fixed result, <c>ping</c> with <c>{}</c> and
/// any other request with "method not found" (as the simulator does), and ignores notifications. It takes the socket, the kernel and a server process out of the round trip, so what
/// a client benchmark measures against it is the client library's own cost.
/// </summary>
internal sealed class InMemoryMcpPeer : IAsyncDisposable
{
    private static readonly byte[] InitializeResult =
        """{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"in-memory","version":"1"}}"""u8.ToArray();

    private readonly Pipe _toPeer = new(new PipeOptions(useSynchronizationContext: false));
    private readonly Pipe _toClient = new(new PipeOptions(useSynchronizationContext: false));
    private readonly Task _loop;

    public InMemoryMcpPeer() => _loop = Task.Run(LoopAsync);

    /// <summary>What the client reads.</summary>
    public PipeReader ClientInput => _toClient.Reader;

    /// <summary>What the client writes.</summary>
    public PipeWriter ClientOutput => _toPeer.Writer;

    public async ValueTask DisposeAsync()
    {
        await _toPeer.Writer.CompleteAsync();
        await _loop;
        await _toClient.Writer.CompleteAsync();
    }

    private async Task LoopAsync()
    {
        var reader = _toPeer.Reader;
        var writer = _toClient.Writer;
        var json = new Utf8JsonWriter(writer, new JsonWriterOptions { SkipValidation = true });
        while (true)
        {
            var result = await reader.ReadAsync();
            var buffer = result.Buffer;
            var answered = false;
            while (buffer.PositionOf((byte)'\n') is { } end)
            {
                var line = buffer.Slice(0, end);
                answered |= Answer(line.IsSingleSegment ? line.FirstSpan : line.ToArray(), json, writer);
                buffer = buffer.Slice(buffer.GetPosition(1, end));
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (answered)
            {
                await writer.FlushAsync();
            }

            if (result.IsCompleted)
            {
                await reader.CompleteAsync();
                return;
            }
        }
    }

    private static bool Answer(ReadOnlySpan<byte> line, Utf8JsonWriter json, PipeWriter output)
    {
        var reader = new Utf8JsonReader(line);
        ReadOnlySpan<byte> id = default;
        var method = Method.Other;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                id = line[start..((int)reader.BytesConsumed)];
            }
            else if (reader.ValueTextEquals("method"u8))
            {
                reader.Read();
                method = reader.ValueTextEquals("initialize"u8) ? Method.Initialize : reader.ValueTextEquals("ping"u8) ? Method.Ping : Method.Other;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (id.IsEmpty)
        {
            return false;
        }

        json.Reset();
        json.WriteStartObject();
        json.WriteString("jsonrpc"u8, "2.0"u8);
        json.WritePropertyName("id"u8);
        json.WriteRawValue(id, skipInputValidation: true);
        switch (method)
        {
            case Method.Initialize:
                json.WritePropertyName("result"u8);
                json.WriteRawValue(InitializeResult, skipInputValidation: true);
                break;
            case Method.Ping:
                json.WritePropertyName("result"u8);
                json.WriteStartObject();
                json.WriteEndObject();
                break;
            default:
                json.WritePropertyName("error"u8);
                json.WriteStartObject();
                json.WriteNumber("code"u8, -32601);
                json.WriteString("message"u8, "method not found"u8);
                json.WriteEndObject();
                break;
        }

        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
        return true;
    }

    private enum Method
    {
        Other,
        Initialize,
        Ping,
    }
}

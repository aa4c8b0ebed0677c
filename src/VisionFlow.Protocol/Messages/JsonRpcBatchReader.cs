using System.Text.Json;

namespace VisionFlow.Protocol.Messages;

/// <summary>Walks the elements of a batch line (one already classified <see cref="JsonRpcMessageKind.Batch"/>) without allocating.</summary>
internal ref struct JsonRpcBatchReader
{
    private readonly ReadOnlySpan<byte> _json;
    private Utf8JsonReader _reader;

    /// <summary>Starts reading the batch array in <paramref name="batchJson"/>.</summary>
    public JsonRpcBatchReader(ReadOnlySpan<byte> batchJson)
    {
        _json = batchJson;
        _reader = new Utf8JsonReader(batchJson);
        _reader.Read();
    }

    /// <summary>Slices the next element's raw JSON; parse it with <see cref="JsonRpcMessage.Parse"/>.</summary>
    public bool TryReadNext(out ReadOnlySpan<byte> element)
    {
        if (!_reader.Read() || _reader.TokenType == JsonTokenType.EndArray)
        {
            element = default;
            return false;
        }

        var start = (int)_reader.TokenStartIndex;
        _reader.Skip();
        element = _json[start..(int)_reader.BytesConsumed];
        return true;
    }
}

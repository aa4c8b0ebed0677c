using System.Buffers;
using System.Text.Json;

namespace VisionFlow.Server.Streaming;

/// <summary>
/// Writes one <see cref="KeyedTopic"/> item at a time into a reused buffer: a topic's writer builds the item's JSON
/// object (or the fields it patches) here and hands the bytes to <see cref="KeyedTopic.Upsert"/> or
/// <see cref="KeyedTopic.Patch"/>, which copy what they keep. Nothing is allocated per item. One owner; not thread-safe.
/// </summary>
internal sealed class TopicItemWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;
    private readonly Utf8JsonWriter _writer;

    public TopicItemWriter(int initialCapacity)
    {
        _buffer = new ArrayBufferWriter<byte>(initialCapacity);
        _writer = new Utf8JsonWriter(_buffer);
    }

    /// <summary>Starts a new item's object; write its fields, then <see cref="End"/>.</summary>
    public Utf8JsonWriter Begin()
    {
        Reset();
        _writer.WriteStartObject();
        return _writer;
    }

    /// <summary>Closes the object <see cref="Begin"/> started and returns the item's bytes (valid until the next item).</summary>
    public ReadOnlySpan<byte> End()
    {
        _writer.WriteEndObject();
        return Written();
    }

    /// <summary>Starts a new item that a serializer writes whole; then <see cref="Written"/>.</summary>
    public Utf8JsonWriter Reset()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        return _writer;
    }

    /// <summary>The item's bytes so far (valid until the next item).</summary>
    public ReadOnlySpan<byte> Written()
    {
        _writer.Flush();
        return _buffer.WrittenSpan;
    }
}

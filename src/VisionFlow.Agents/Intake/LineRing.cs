using System.Buffers.Binary;

namespace VisionFlow.Agents.Intake;

/// <summary>
/// Bounded byte ring of length-prefixed lines between producers (connection reader loops) and the one intake owner.
/// Producers serialise on a short lock around a memcpy; the consumer never locks: it reads up to the published tail and
/// publishes its head after each line, so space frees as it goes. A full ring refuses the line (the caller counts it):
/// memory stays fixed whatever the event rate. A record that does not fit before the end wraps to 0 behind a -1 marker.
/// Each line carries the session it arrived in, so lines of a session that has since ended are dropped when read.
/// </summary>
internal sealed class LineRing
{
    private const int Header = sizeof(int) + sizeof(long);
    private readonly byte[] _buffer;
    private readonly Lock _writeLock = new();
    private long _head;
    private long _tail;

    public LineRing(int capacity) => _buffer = new byte[capacity];

    public int Capacity => _buffer.Length;

    public long BufferedBytes => Volatile.Read(ref _tail) - Volatile.Read(ref _head);

    /// <summary>Copies <paramref name="line"/> in, tagged with <paramref name="session"/>; false when it does not fit.</summary>
    public bool TryWrite(long session, ReadOnlySpan<byte> line)
    {
        var need = Header + line.Length;
        var capacity = _buffer.Length;
        if (need > capacity / 2) return false;
        lock (_writeLock)
        {
            var tail = _tail;
            var position = (int)(tail % capacity);
            var toEnd = capacity - position;
            var skip = toEnd < need ? toEnd : 0;
            if (tail + skip + need - Volatile.Read(ref _head) > capacity) return false;
            if (skip > 0)
            {
                if (toEnd >= sizeof(int)) BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(position), -1);
                tail += skip;
                position = 0;
            }

            BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(position), line.Length);
            BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(position + sizeof(int)), session);
            line.CopyTo(_buffer.AsSpan(position + Header));
            Volatile.Write(ref _tail, tail + need);
            return true;
        }
    }

    /// <summary>Hands every buffered line to <paramref name="consumer"/> in arrival order; returns how many.</summary>
    public int Drain<TConsumer>(ref TConsumer consumer)
        where TConsumer : struct, ILineConsumer
    {
        var capacity = _buffer.Length;
        var head = _head;
        var tail = Volatile.Read(ref _tail);
        var lines = 0;
        while (head < tail)
        {
            var position = (int)(head % capacity);
            var toEnd = capacity - position;
            if (toEnd < Header)
            {
                head += toEnd;
                continue;
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(position));
            if (length < 0)
            {
                head += toEnd;
                continue;
            }

            var session = BinaryPrimitives.ReadInt64LittleEndian(_buffer.AsSpan(position + sizeof(int)));
            consumer.OnLine(session, _buffer.AsSpan(position + Header, length));
            head += Header + length;
            Volatile.Write(ref _head, head);
            lines++;
        }

        Volatile.Write(ref _head, head);
        return lines;
    }
}

/// <summary>What <see cref="LineRing.Drain{TConsumer}"/> hands lines to (a struct, so the call is direct).</summary>
internal interface ILineConsumer
{
    void OnLine(long session, ReadOnlySpan<byte> line);
}

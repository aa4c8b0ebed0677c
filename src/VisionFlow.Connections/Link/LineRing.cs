using System.Buffers;
using System.Buffers.Binary;

namespace VisionFlow.Connections.Link;

/// <summary>
/// Bounded byte ring of length-prefixed lines between writers (connection reader loops) and one reader. Writers
/// serialise on a short lock around a memcpy; the reader never locks: it reads up to the published tail and releases
/// each line's space when it asks for the next, so space frees as it goes. A full ring refuses the line (the caller
/// counts it): memory stays fixed whatever the event rate. A record that does not fit before the end wraps to 0 behind a
/// -1 marker. Each line carries the session it arrived in.
/// </summary>
internal sealed class LineRing
{
    private const int Header = sizeof(int) + sizeof(long);
    private readonly byte[] _buffer;
    private readonly Lock _writeLock = new();
    private long _head;
    private long _tail;
    private long _next; // the reader's: where the line after the one handed out last starts

    public LineRing(int capacity) => _buffer = new byte[capacity];

    public int Capacity => _buffer.Length;

    public long BufferedBytes => Volatile.Read(ref _tail) - Volatile.Read(ref _head);

    /// <summary>Copies <paramref name="line"/> in, tagged with <paramref name="session"/>; false when it does not fit.</summary>
    public bool TryWrite(long session, ReadOnlySpan<byte> line) => TryWrite(session, line.Length, line, default);

    /// <summary>
    /// Copies <paramref name="line"/> in straight from the segments it arrived in (one copy, whether or not it straddled
    /// a segment end), tagged with <paramref name="session"/>; false when it does not fit.
    /// </summary>
    public bool TryWrite(long session, in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment) return TryWrite(session, line.FirstSpan.Length, line.FirstSpan, default);
        return line.Length <= _buffer.Length / 2 && TryWrite(session, (int)line.Length, default, line);
    }

    private bool TryWrite(long session, int length, ReadOnlySpan<byte> span, in ReadOnlySequence<byte> segments)
    {
        var need = Header + length;
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

            BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(position), length);
            BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(position + sizeof(int)), session);
            var target = _buffer.AsSpan(position + Header, length);
            if (segments.IsEmpty) span.CopyTo(target);
            else segments.CopyTo(target);
            Volatile.Write(ref _tail, tail + need);
            return true;
        }
    }

    /// <summary>
    /// The next line in arrival order (one reader only). <paramref name="line"/> points into the ring and stays valid
    /// until the next call, which releases its space; false when none is waiting (everything read is released).
    /// </summary>
    public bool TryRead(out long session, out ReadOnlySpan<byte> line)
    {
        var capacity = _buffer.Length;
        var head = _next;
        var tail = Volatile.Read(ref _tail);
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

            session = BinaryPrimitives.ReadInt64LittleEndian(_buffer.AsSpan(position + sizeof(int)));
            line = _buffer.AsSpan(position + Header, length);
            Volatile.Write(ref _head, head); // what came before this line is free; this one is held until the next call
            _next = head + Header + length;
            return true;
        }

        _next = head;
        Volatile.Write(ref _head, head);
        session = 0;
        line = default;
        return false;
    }
}

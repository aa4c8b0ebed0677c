using System.Buffers;

namespace VisionFlow.Testing;

/// <summary>Bytes as a chain of small segments: how a line that straddled the socket reader's buffers reaches its reader.</summary>
public static class Segments
{
    /// <summary><paramref name="bytes"/> cut into segments of <paramref name="size"/> bytes (the last one shorter).</summary>
    public static ReadOnlySequence<byte> Of(byte[] bytes, int size)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (bytes.Length == 0) return ReadOnlySequence<byte>.Empty;
        Segment? first = null, last = null;
        for (var offset = 0; offset < bytes.Length; offset += size)
        {
            var piece = bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset));
            if (last is null) first = last = new Segment(piece, 0);
            else last = last.Append(piece);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

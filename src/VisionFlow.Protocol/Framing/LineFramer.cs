using System.Buffers;

namespace VisionFlow.Protocol.Framing;

/// <summary>
/// Splits newline-delimited JSON into lines without copying: CRLF and surrounding whitespace are trimmed, blank lines
/// are ignored, and lines whose first non-whitespace byte is neither <c>{</c> nor <c>[</c> (server banners) are skipped
/// and counted. One instance per connection; not thread-safe.
/// </summary>
/// <remarks>
/// Contract with the caller: pass the unconsumed buffer (starting at the first unread byte) and afterwards advance the
/// <see cref="System.IO.Pipelines.PipeReader"/> with <c>AdvanceTo(buffer.Start, buffer.End)</c>. The framer remembers how far the
/// current incomplete line was already scanned, so a large line arriving in small reads is scanned once, not once per read,
/// and it reports <see cref="LineStatus.LineTooLong"/> as soon as an incomplete line passes the limit.
/// </remarks>
internal sealed class LineFramer
{
    /// <summary>The default maximum line length: 16 MiB.</summary>
    public const int DefaultMaxLineLength = 16 * 1024 * 1024;

    private long _scanned;
    private long _bannerLines;
    private long _blankLines;

    /// <summary>Creates a framer that rejects lines longer than <paramref name="maxLineLength"/> bytes (excluding the terminator).</summary>
    public LineFramer(int maxLineLength = DefaultMaxLineLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, 2);
        MaxLineLength = maxLineLength;
    }

    /// <summary>The largest accepted line, in bytes, excluding the newline.</summary>
    public int MaxLineLength { get; }

    /// <summary>Non-JSON lines skipped so far.</summary>
    public long BannerLinesSkipped => Volatile.Read(ref _bannerLines);

    /// <summary>Empty or whitespace-only lines ignored so far.</summary>
    public long BlankLinesSkipped => Volatile.Read(ref _blankLines);

    /// <summary>
    /// Slices the next JSON line off <paramref name="buffer"/>, skipping blank and banner lines.
    /// When <paramref name="isCompleted"/> is true (the peer finished writing) a final unterminated line is returned too.
    /// </summary>
    public LineStatus TryReadLine(ref ReadOnlySequence<byte> buffer, bool isCompleted, out ReadOnlySequence<byte> line)
    {
        while (true)
        {
            var unscanned = buffer.Slice(_scanned);
            var newline = unscanned.PositionOf((byte)'\n');
            ReadOnlySequence<byte> raw;
            if (newline is null)
            {
                _scanned = buffer.Length;
                if (buffer.Length > MaxLineLength + 1)
                {
                    // +1 tolerates the '\r' of a CRLF line of exactly the maximum length.
                    line = default;
                    return LineStatus.LineTooLong;
                }

                if (!isCompleted || buffer.IsEmpty)
                {
                    line = default;
                    return LineStatus.NeedMoreData;
                }

                raw = buffer;
                buffer = buffer.Slice(buffer.End);
            }
            else
            {
                raw = buffer.Slice(0, newline.Value);
                buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
            }

            _scanned = 0;
            line = Trim(raw);
            if (line.Length > MaxLineLength)
            {
                line = default;
                return LineStatus.LineTooLong;
            }

            if (line.IsEmpty)
            {
                _blankLines++;
                continue;
            }

            var first = line.FirstSpan[0];
            if (first is (byte)'{' or (byte)'[')
            {
                return LineStatus.Line;
            }

            _bannerLines++;
        }
    }

    private static ReadOnlySequence<byte> Trim(ReadOnlySequence<byte> raw)
    {
        if (raw.IsSingleSegment)
        {
            var span = raw.FirstSpan;
            var start = 0;
            while (start < span.Length && IsWhitespace(span[start]))
            {
                start++;
            }

            var end = span.Length;
            while (end > start && IsWhitespace(span[end - 1]))
            {
                end--;
            }

            return raw.Slice(start, end - start);
        }

        return TrimMultiSegment(raw);
    }

    private static ReadOnlySequence<byte> TrimMultiSegment(ReadOnlySequence<byte> raw)
    {
        var reader = new SequenceReader<byte>(raw);
        var leading = reader.AdvancePastAny((byte)' ', (byte)'\t', (byte)'\r', (byte)'\n');
        raw = raw.Slice(leading);
        if (raw.IsEmpty)
        {
            return raw;
        }

        // Trailing whitespace is at most a '\r' plus a few spaces; walk back from the end segment by segment.
        long trailing = 0;
        var length = raw.Length;
        while (trailing < length && IsWhitespace(ByteAt(raw, length - 1 - trailing)))
        {
            trailing++;
        }

        return raw.Slice(0, length - trailing);
    }

    private static byte ByteAt(in ReadOnlySequence<byte> sequence, long index) => sequence.Slice(index, 1).FirstSpan[0];

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}

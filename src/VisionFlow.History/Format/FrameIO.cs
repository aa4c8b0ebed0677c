using System.Buffers;
using System.IO.Compression;
using Microsoft.Win32.SafeHandles;

namespace VisionFlow.History.Format;

/// <summary>Frames to and from bytes: compression, checksums, and positional reads of a file's frames.</summary>
internal static class FrameIO
{
    /// <summary>Payloads smaller than this are stored as they are (deflate would not pay for its header).</summary>
    private const int CompressAbove = 128;

    /// <summary>
    /// Encodes one frame (header and stored payload) of <paramref name="raw"/> into <paramref name="output"/>, which is
    /// reset first. Deflate at its fastest level unless that does not make it smaller.
    /// </summary>
    public static FrameHeader Encode(FrameKind kind, ReadOnlySpan<byte> raw, int records, long first, long last, MemoryStream output, CompressionLevel level = CompressionLevel.Optimal)
    {
        output.SetLength(0);
        output.Position = HistoryFormat.FrameHeaderSize;
        output.SetLength(HistoryFormat.FrameHeaderSize);
        var codec = FrameCodec.None;
        if (raw.Length >= CompressAbove)
        {
            using (var deflate = new DeflateStream(output, level, leaveOpen: true))
            {
                deflate.Write(raw);
            }

            codec = FrameCodec.Deflate;
            if (output.Length - HistoryFormat.FrameHeaderSize >= raw.Length)
            {
                output.SetLength(HistoryFormat.FrameHeaderSize);
                output.Position = HistoryFormat.FrameHeaderSize;
                codec = FrameCodec.None;
            }
        }

        if (codec == FrameCodec.None)
        {
            output.Write(raw);
        }

        var buffer = output.GetBuffer();
        var stored = (int)output.Length - HistoryFormat.FrameHeaderSize;
        var header = new FrameHeader(kind, codec, stored, raw.Length, records, first, last);
        header.Write(buffer, buffer.AsSpan(HistoryFormat.FrameHeaderSize, stored));
        return header;
    }

    /// <summary>
    /// The raw records of a frame whose stored payload is <paramref name="stored"/>, decoded into <paramref name="scratch"/>
    /// (grown as needed). With <paramref name="partial"/> a payload cut short yields what could be inflated (a torn
    /// recording's last frame); otherwise a payload that does not inflate to its raw length is an error.
    /// </summary>
    public static ReadOnlySpan<byte> Decode(scoped in FrameHeader header, ReadOnlySpan<byte> stored, ref byte[] scratch, bool partial = false)
    {
        if (header.Codec == FrameCodec.None)
        {
            return stored;
        }

        if (scratch.Length < header.RawLength)
        {
            scratch = new byte[Math.Max(header.RawLength, scratch.Length * 2)];
        }

        var copy = ArrayPool<byte>.Shared.Rent(stored.Length);
        try
        {
            stored.CopyTo(copy);
            using var deflate = new DeflateStream(new MemoryStream(copy, 0, stored.Length, writable: false), CompressionMode.Decompress);
            var total = 0;
            try
            {
                while (total < header.RawLength)
                {
                    var n = deflate.Read(scratch, total, header.RawLength - total);
                    if (n == 0)
                    {
                        break;
                    }

                    total += n;
                }
            }
            catch (InvalidDataException) when (partial)
            {
                // A cut deflate stream: keep what came out before the cut.
            }

            if (total != header.RawLength && !partial)
            {
                throw new InvalidDataException("frame payload does not inflate to its length");
            }

            return scratch.AsSpan(0, total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="offset"/> into <paramref name="buffer"/> (grown as needed); fewer at the end of the file.</summary>
    public static int Read(SafeFileHandle file, long offset, int length, ref byte[] buffer)
    {
        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }

        var total = 0;
        while (total < length)
        {
            var n = RandomAccess.Read(file, buffer.AsSpan(total, length - total), offset + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}

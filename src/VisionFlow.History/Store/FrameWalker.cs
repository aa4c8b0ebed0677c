using Microsoft.Win32.SafeHandles;
using VisionFlow.History.Format;

namespace VisionFlow.History.Store;

/// <summary>Visits one frame: its header, where it starts in the file, and its records (raw, decompressed). Return false to stop.</summary>
internal delegate bool FrameVisitor(in FrameHeader header, long offset, ReadOnlySpan<byte> raw);

/// <summary>Reads a segment's frames chunk by chunk (one positional read per chunk), checking each frame's checksum.</summary>
internal sealed class FrameWalker
{
    private byte[] _chunk = new byte[SegmentIndex.ChunkBytes + HistoryFormat.FrameHeaderSize];
    private byte[] _raw = new byte[64 * 1024];

    /// <summary>
    /// Visits the frames of <paramref name="segment"/> from chunk <paramref name="firstChunk"/> on. False when the visitor
    /// stopped; true at the end (also when the segment was deleted meanwhile or a frame no longer reads: what is gone is skipped).
    /// </summary>
    public bool Walk(SegmentSnapshot segment, int firstChunk, FrameVisitor visit)
    {
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            return true;
        }

        using (file)
        {
            for (var c = Math.Max(0, firstChunk); c < segment.Chunks.Length; c++)
            {
                var chunk = segment.Chunks[c];
                var got = FrameIO.Read(file, chunk.Offset, chunk.Length, ref _chunk);
                var bytes = _chunk.AsSpan(0, got);
                var position = 0;
                while (position + HistoryFormat.FrameHeaderSize <= bytes.Length)
                {
                    var head = bytes.Slice(position, HistoryFormat.FrameHeaderSize);
                    if (!FrameHeader.TryRead(head, out var header, out var checksum) || position + header.TotalLength > bytes.Length)
                    {
                        return true;
                    }

                    var stored = bytes.Slice(position + HistoryFormat.FrameHeaderSize, header.StoredLength);
                    if (!FrameHeader.ChecksumMatches(head, stored, checksum))
                    {
                        return true;
                    }

                    ReadOnlySpan<byte> raw;
                    try
                    {
                        raw = FrameIO.Decode(header, stored, ref _raw);
                    }
                    catch (InvalidDataException)
                    {
                        return true;
                    }

                    if (!visit(header, chunk.Offset + position, raw))
                    {
                        return false;
                    }

                    position += (int)header.TotalLength;
                }
            }
        }

        return true;
    }
}

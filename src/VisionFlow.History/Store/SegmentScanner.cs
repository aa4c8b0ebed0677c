using Microsoft.Win32.SafeHandles;
using VisionFlow.History.Format;

namespace VisionFlow.History.Store;

/// <summary>
/// Reads a history file's frame headers front to back and indexes the whole frames. With checksums on (the active
/// segment after a crash, any file handed to a reader) each payload is read and checked too; a closed segment was
/// synced before the next one started, so its headers suffice.
/// </summary>
internal static class SegmentScanner
{
    public static ScanResult Scan(string path, bool verifyChecksums)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return Scan(file, path, verifyChecksums);
    }

    public static ScanResult Scan(SafeFileHandle file, string path, bool verifyChecksums)
    {
        var length = RandomAccess.GetLength(file);
        Span<byte> head = stackalloc byte[HistoryFormat.FileHeaderSize];
        var read = RandomAccess.Read(file, head, 0);
        var status = FileHeader.TryRead(head[..read], out var header);
        if (status != FileHeaderStatus.Ok)
        {
            return new ScanResult(status, null, length, null);
        }

        var index = new SegmentIndex(path, header);
        Span<byte> frameHead = stackalloc byte[HistoryFormat.FrameHeaderSize];
        var payload = Array.Empty<byte>();
        TornTail? tail = null;
        while (index.Length < length)
        {
            var offset = index.Length;
            var n = RandomAccess.Read(file, frameHead, offset);
            if (n < HistoryFormat.FrameHeaderSize)
            {
                tail = new TornTail(offset, null, "the file ends inside a frame header");
                break;
            }

            if (!FrameHeader.TryRead(frameHead, out var frame, out var checksum))
            {
                tail = new TornTail(offset, null, "bytes that are not a frame header");
                break;
            }

            if (offset + frame.TotalLength > length)
            {
                tail = new TornTail(offset, frame, "the file ends inside a frame");
                break;
            }

            if (verifyChecksums)
            {
                var got = FrameIO.Read(file, offset + HistoryFormat.FrameHeaderSize, frame.StoredLength, ref payload);
                if (got != frame.StoredLength || !FrameHeader.ChecksumMatches(frameHead, payload.AsSpan(0, got), checksum))
                {
                    tail = new TornTail(offset, frame, "a frame whose checksum does not match");
                    break;
                }
            }

            index.Add(frame);
        }

        return new ScanResult(FileHeaderStatus.Ok, index, length, tail);
    }
}

using System.Buffers.Binary;

namespace VisionFlow.History.Format;

/// <summary>
/// The 40 bytes before each frame's payload: magic (u32), kind (u8), codec (u8), reserved (u16), stored length (u32),
/// raw length (u32), record count (u32), first and last moment (i64 µs since the Unix epoch each), and the CRC-32C of
/// the 36 header bytes before it followed by the stored payload. A frame is whole only when all of it is on disk and
/// the checksum matches; anything after the last whole frame is a torn tail.
/// </summary>
internal readonly record struct FrameHeader(FrameKind Kind, FrameCodec Codec, int StoredLength, int RawLength, int Records, long FirstMicros, long LastMicros)
{
    /// <summary>Bytes of the frame on disk, header included.</summary>
    public long TotalLength => HistoryFormat.FrameHeaderSize + (long)StoredLength;

    /// <summary>Writes the header for <paramref name="payload"/> (the stored bytes) into <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination, ReadOnlySpan<byte> payload)
    {
        var d = destination[..HistoryFormat.FrameHeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(d, HistoryFormat.FrameMagic);
        d[4] = (byte)Kind;
        d[5] = (byte)Codec;
        BinaryPrimitives.WriteUInt16LittleEndian(d[6..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(d[8..], StoredLength);
        BinaryPrimitives.WriteInt32LittleEndian(d[12..], RawLength);
        BinaryPrimitives.WriteInt32LittleEndian(d[16..], Records);
        BinaryPrimitives.WriteInt64LittleEndian(d[20..], FirstMicros);
        BinaryPrimitives.WriteInt64LittleEndian(d[28..], LastMicros);
        var crc = Crc32C.Append(Crc32C.Compute(d[..36]), payload);
        BinaryPrimitives.WriteUInt32LittleEndian(d[36..], crc);
    }

    /// <summary>Reads a header's fields; false when they cannot be a frame's (wrong magic, kind, codec or lengths).</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out FrameHeader header, out uint checksum)
    {
        header = default;
        checksum = 0;
        if (source.Length < HistoryFormat.FrameHeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(source) != HistoryFormat.FrameMagic)
        {
            return false;
        }

        var kind = (FrameKind)source[4];
        var codec = (FrameCodec)source[5];
        var stored = BinaryPrimitives.ReadInt32LittleEndian(source[8..]);
        var raw = BinaryPrimitives.ReadInt32LittleEndian(source[12..]);
        var records = BinaryPrimitives.ReadInt32LittleEndian(source[16..]);
        var first = BinaryPrimitives.ReadInt64LittleEndian(source[20..]);
        var last = BinaryPrimitives.ReadInt64LittleEndian(source[28..]);
        if (kind is not (FrameKind.Keyframe or FrameKind.Changes) || codec is not (FrameCodec.None or FrameCodec.Deflate)
            || stored is < 0 or > HistoryFormat.MaxFramePayload || raw is < 0 or > HistoryFormat.MaxFramePayload || records < 0 || last < first)
        {
            return false;
        }

        checksum = BinaryPrimitives.ReadUInt32LittleEndian(source[36..]);
        header = new FrameHeader(kind, codec, stored, raw, records, first, last);
        return true;
    }

    /// <summary>Whether <paramref name="checksum"/> (as read) matches the header bytes and the stored payload.</summary>
    public static bool ChecksumMatches(ReadOnlySpan<byte> headerBytes, ReadOnlySpan<byte> payload, uint checksum) =>
        Crc32C.Append(Crc32C.Compute(headerBytes[..36]), payload) == checksum;
}

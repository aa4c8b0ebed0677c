using System.Buffers.Binary;

namespace VisionFlow.History.Format;

/// <summary>
/// The 32 bytes every history file starts with: magic (8), version (u16), kind (u8), reserved (u8), sequence (u64),
/// created at (i64 µs since the Unix epoch), CRC-32C of the 28 bytes before it. Little-endian throughout.
/// </summary>
internal readonly record struct FileHeader(FileKind Kind, ulong Sequence, long CreatedMicros)
{
    /// <summary>Writes the header into the first <see cref="HistoryFormat.FileHeaderSize"/> bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        var d = destination[..HistoryFormat.FileHeaderSize];
        d.Clear();
        HistoryFormat.FileMagic.CopyTo(d);
        BinaryPrimitives.WriteUInt16LittleEndian(d[8..], HistoryFormat.Version);
        d[10] = (byte)Kind;
        BinaryPrimitives.WriteUInt64LittleEndian(d[12..], Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(d[20..], CreatedMicros);
        BinaryPrimitives.WriteUInt32LittleEndian(d[28..], Crc32C.Compute(d[..28]));
    }

    /// <summary>Reads a header, saying why when the bytes are not one this code can read.</summary>
    public static FileHeaderStatus TryRead(ReadOnlySpan<byte> source, out FileHeader header)
    {
        header = default;
        if (source.Length < HistoryFormat.FileMagic.Length || !source[..HistoryFormat.FileMagic.Length].SequenceEqual(HistoryFormat.FileMagic))
        {
            return FileHeaderStatus.NotHistory;
        }

        if (source.Length < HistoryFormat.FileHeaderSize)
        {
            return FileHeaderStatus.Truncated;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(source[28..]) != Crc32C.Compute(source[..28]))
        {
            return FileHeaderStatus.Corrupt;
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(source[8..]);
        if (version != HistoryFormat.Version)
        {
            return version > HistoryFormat.Version ? FileHeaderStatus.NewerVersion : FileHeaderStatus.Corrupt;
        }

        var kind = (FileKind)source[10];
        if (kind is not (FileKind.Segment or FileKind.Recording))
        {
            return FileHeaderStatus.Corrupt;
        }

        header = new FileHeader(kind, BinaryPrimitives.ReadUInt64LittleEndian(source[12..]), BinaryPrimitives.ReadInt64LittleEndian(source[20..]));
        return FileHeaderStatus.Ok;
    }
}

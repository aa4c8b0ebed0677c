using System.Buffers.Binary;

namespace VisionFlow.Server.Streaming;

/// <summary>
/// Writes the WebSocket binary frame: little-endian 28-byte records <c>u32 id · f32 x,y,z · f32 vx,vy,vz</c>.
/// </summary>
internal static class NodeFrameEncoder
{
    /// <summary>Bytes per node record.</summary>
    public const int RecordSize = 28;

    /// <summary>Writes one record at the start of <paramref name="destination"/>.</summary>
    public static void WriteRecord(Span<byte> destination, uint id, ReadOnlySpan<float> position, ReadOnlySpan<float> velocity)
    {
        var d = destination[..RecordSize];
        BinaryPrimitives.WriteUInt32LittleEndian(d, id);
        BinaryPrimitives.WriteSingleLittleEndian(d[4..], position[0]);
        BinaryPrimitives.WriteSingleLittleEndian(d[8..], position[1]);
        BinaryPrimitives.WriteSingleLittleEndian(d[12..], position[2]);
        BinaryPrimitives.WriteSingleLittleEndian(d[16..], velocity[0]);
        BinaryPrimitives.WriteSingleLittleEndian(d[20..], velocity[1]);
        BinaryPrimitives.WriteSingleLittleEndian(d[24..], velocity[2]);
    }

    /// <summary>Reads one record (used by tests and tools that consume the stream).</summary>
    public static (uint Id, float X, float Y, float Z, float Vx, float Vy, float Vz) ReadRecord(ReadOnlySpan<byte> source) =>
    (
        BinaryPrimitives.ReadUInt32LittleEndian(source),
        BinaryPrimitives.ReadSingleLittleEndian(source[4..]),
        BinaryPrimitives.ReadSingleLittleEndian(source[8..]),
        BinaryPrimitives.ReadSingleLittleEndian(source[12..]),
        BinaryPrimitives.ReadSingleLittleEndian(source[16..]),
        BinaryPrimitives.ReadSingleLittleEndian(source[20..]),
        BinaryPrimitives.ReadSingleLittleEndian(source[24..]));
}

using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using VisionFlow.History.Model;

namespace VisionFlow.History.Format;

/// <summary>
/// A growable byte buffer that records are encoded into (one frame's payload). Reused: <see cref="Reset"/> keeps the
/// array, so steady-state encoding allocates nothing.
/// </summary>
internal sealed class RecordBuffer
{
    private byte[] _buffer;
    private int _length;

    public RecordBuffer(int capacity) => _buffer = new byte[Math.Max(capacity, 256)];

    /// <summary>Bytes written.</summary>
    public int Length => _length;

    /// <summary>The encoded bytes.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    /// <summary>Forgets the contents, keeping the array.</summary>
    public void Reset() => _length = 0;

    /// <summary>Drops what was written after <paramref name="length"/> (undoes a half-written record).</summary>
    public void Truncate(int length) => _length = Math.Min(length, _length);

    public void Byte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void VarUInt(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_length++] = (byte)value;
    }

    public void VarInt(long value) => VarUInt((ulong)((value << 1) ^ (value >> 63)));

    public void Single(float value)
    {
        Ensure(4);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void Double(double value)
    {
        Ensure(8);
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    /// <summary>A nullable text: varint (byte length + 1, 0 for null), then UTF-8, cut at <see cref="HistoryFormat.MaxString"/>.</summary>
    public void Text(string? value)
    {
        if (value is null)
        {
            VarUInt(0);
            return;
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > HistoryFormat.MaxString)
        {
            value = Cut(value);
            max = Encoding.UTF8.GetMaxByteCount(value.Length);
        }

        // Reserve the longest prefix, write the bytes, then move them if the real prefix is shorter.
        Ensure(max + 5);
        var prefixAt = _length;
        var prefixMax = VarUIntLength((ulong)max + 1);
        var written = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(prefixAt + prefixMax));
        var prefix = VarUIntLength((ulong)written + 1);
        if (prefix != prefixMax)
        {
            _buffer.AsSpan(prefixAt + prefixMax, written).CopyTo(_buffer.AsSpan(prefixAt + prefix));
        }

        _length = prefixAt;
        VarUInt((ulong)written + 1);
        _length += written;
    }

    public void Value(in FieldValue value)
    {
        Byte((byte)value.Type);
        switch (value.Type)
        {
            case FieldType.Int or FieldType.Time:
                VarInt(value.Bits);
                break;
            case FieldType.Float32:
                Single(value.AsFloat!.Value);
                break;
            case FieldType.Float64:
                Double(BitConverter.Int64BitsToDouble(value.Bits));
                break;
            case FieldType.Text:
                Text(value.AsText);
                break;
            case FieldType.TextList:
                var list = value.AsTextList!;
                VarUInt((ulong)list.Count);
                foreach (var item in list)
                {
                    Text(item);
                }

                break;
        }
    }

    /// <summary>Copies another buffer's bytes onto the end of this one.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private static int VarUIntLength(ulong value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }

        return n;
    }

    private static string Cut(string value)
    {
        // Keep whole characters within the limit (3 bytes per UTF-16 unit at most).
        var keep = HistoryFormat.MaxString / 3;
        if (char.IsHighSurrogate(value[keep - 1]))
        {
            keep--;
        }

        return value[..keep];
    }

    private void Ensure(int extra)
    {
        if (_length + extra > _buffer.Length)
        {
            var next = new byte[Math.Max(_buffer.Length * 2, _length + extra)];
            _buffer.AsSpan(0, _length).CopyTo(next);
            _buffer = next;
        }
    }
}

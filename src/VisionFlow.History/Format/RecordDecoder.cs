using System.Buffers.Binary;
using System.Text;
using VisionFlow.History.Model;

namespace VisionFlow.History.Format;

/// <summary>
/// Reads the records of one frame's payload in order. Stops (returns false) at the end, or at a record that does not
/// decode: a payload that passed its checksum never has one, a torn recording's last frame may.
/// </summary>
internal ref struct RecordDecoder
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private long _moment;

    public RecordDecoder(ReadOnlySpan<byte> data, long firstMicros)
    {
        _data = data;
        _moment = firstMicros;
    }

    /// <summary>The moment of the record last read (µs since the Unix epoch).</summary>
    public readonly long MomentMicros => _moment;

    /// <summary>Whether a record failed to decode (as opposed to a clean end).</summary>
    public bool Broken { get; private set; }

    /// <summary>Reads the next record (moments are folded into the records after them).</summary>
    public bool TryRead(out HistoryRecord? record)
    {
        record = null;
        while (_position < _data.Length)
        {
            var start = _position;
            try
            {
                var type = (RecordType)_data[_position++];
                if (type == RecordType.Moment)
                {
                    _moment += VarInt();
                    continue;
                }

                record = Decode(type);
                if (record is null)
                {
                    Broken = true;
                    _position = start;
                    return false;
                }

                return true;
            }
            catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentOutOfRangeException or FormatException or DecoderFallbackException or OverflowException)
            {
                Broken = true;
                _position = start;
                return false;
            }
        }

        return false;
    }

    private HistoryRecord? Decode(RecordType type)
    {
        var at = Micros.ToTime(_moment);
        switch (type)
        {
            case RecordType.EntityAdded or RecordType.EntityChanged or RecordType.EntityRemoved:
                var kind = (EntityKind)_data[_position++];
                if (kind is < EntityKind.Agent or > EntityKind.Note)
                {
                    return null;
                }

                var id = Text();
                var second = Text();
                if (id is null)
                {
                    return null;
                }

                if (type == RecordType.EntityRemoved)
                {
                    return new EntityRecord(at, EntityOperation.Removed, kind, id, second, []);
                }

                var count = (int)VarUInt();
                if (count > 255)
                {
                    return null;
                }

                var fields = new FieldChange[count];
                for (var i = 0; i < count; i++)
                {
                    var field = _data[_position++];
                    if (!TryValue(out var value))
                    {
                        return null;
                    }

                    fields[i] = new FieldChange(field, value);
                }

                return new EntityRecord(at, type == RecordType.EntityAdded ? EntityOperation.Added : EntityOperation.Changed, kind, id, second, fields);
            case RecordType.Link:
                var state = Text();
                var detail = Text();
                var failure = Text();
                var address = Text();
                return state is null ? null : new LinkRecord(at, state, detail, failure, address);
            case RecordType.Degradation:
                int from = _data[_position++];
                int to = _data[_position++];
                return new DegradationRecord(at, from, to, Text());
            case RecordType.Command:
                var client = Text();
                var operation = Text();
                var target = Text();
                var request = Text();
                var status = (int)Math.Min(VarUInt(), int.MaxValue);
                var answer = Text();
                var micros = (long)Math.Min(VarUInt(), long.MaxValue / TimeSpan.TicksPerMicrosecond);
                return client is null || operation is null ? null
                    : new CommandRecord(at, client, operation, target, request, status, answer, TimeSpan.FromTicks(micros * TimeSpan.TicksPerMicrosecond));
            case RecordType.Positions:
                var n = VarUInt();
                if (n > (ulong)(_data.Length - _position) / 13)
                {
                    return null;
                }

                var nodes = new NodePosition[(int)n];
                for (var i = 0; i < nodes.Length; i++)
                {
                    var node = (uint)VarUInt();
                    var x = BinaryPrimitives.ReadSingleLittleEndian(_data[_position..]);
                    var y = BinaryPrimitives.ReadSingleLittleEndian(_data[(_position + 4)..]);
                    var z = BinaryPrimitives.ReadSingleLittleEndian(_data[(_position + 8)..]);
                    _position += 12;
                    nodes[i] = new NodePosition(node, x, y, z);
                }

                return new PositionsRecord(at, nodes);
            case RecordType.Gap:
                var since = VarInt();
                var reason = (GapReason)_data[_position++];
                var dropped = (long)Math.Min(VarUInt(), long.MaxValue);
                return new GapRecord(at, Micros.ToTime(since), reason, dropped);
            default:
                return null;
        }
    }

    private bool TryValue(out FieldValue value)
    {
        var type = (FieldType)_data[_position++];
        switch (type)
        {
            case FieldType.Null:
                value = FieldValue.Null;
                return true;
            case FieldType.False or FieldType.True:
                value = FieldValue.Of(type == FieldType.True);
                return true;
            case FieldType.Int:
                value = FieldValue.Of(VarInt());
                return true;
            case FieldType.Time:
                value = FieldValue.FromMicros(VarInt());
                return true;
            case FieldType.Float32:
                value = FieldValue.Of(BinaryPrimitives.ReadSingleLittleEndian(_data[_position..]));
                _position += 4;
                return true;
            case FieldType.Float64:
                value = FieldValue.Of(BinaryPrimitives.ReadDoubleLittleEndian(_data[_position..]));
                _position += 8;
                return true;
            case FieldType.Text:
                var text = Text();
                value = text is null ? FieldValue.Null : FieldValue.Of(text);
                return true;
            case FieldType.TextList:
                var count = VarUInt();
                if (count > (ulong)(_data.Length - _position))
                {
                    value = default;
                    return false;
                }

                var list = new string[(int)count];
                for (var i = 0; i < list.Length; i++)
                {
                    list[i] = Text() ?? string.Empty;
                }

                value = FieldValue.Of(list);
                return true;
            default:
                value = default;
                return false;
        }
    }

    private string? Text()
    {
        var prefix = VarUInt();
        if (prefix == 0)
        {
            return null;
        }

        var length = (int)Math.Min(prefix - 1, int.MaxValue);
        if (length > HistoryFormat.MaxString || length > _data.Length - _position)
        {
            throw new FormatException("text runs past the record");
        }

        var text = Encoding.UTF8.GetString(_data.Slice(_position, length));
        _position += length;
        return text;
    }

    private ulong VarUInt()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = _data[_position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("varint too long");
    }

    private long VarInt()
    {
        var raw = VarUInt();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }
}

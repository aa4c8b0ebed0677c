using VisionFlow.History.Format;
using VisionFlow.History.Model;
using VisionFlow.History.State;

namespace VisionFlow.History.Export;

/// <summary>Writes a recording file: the header, one keyframe, then change frames of at most 64 KiB of records each.</summary>
internal sealed class RecordingWriter
{
    private const int FrameRawBytes = 64 * 1024;
    private readonly Stream _destination;
    private readonly RecordBuffer _buffer = new(FrameRawBytes + 1024);
    private readonly MemoryStream _frame = new();
    private long _first;
    private long _last;
    private int _records;

    public RecordingWriter(Stream destination, long createdMicros)
    {
        _destination = destination;
        Span<byte> header = stackalloc byte[HistoryFormat.FileHeaderSize];
        new FileHeader(FileKind.Recording, 0, createdMicros).Write(header);
        destination.Write(header);
    }

    /// <summary>The state at <paramref name="moment"/> as the recording's first frame (an empty one when nothing was recorded).</summary>
    public void Keyframe(StateModel? state, long moment)
    {
        var records = 0;
        if (state is not null)
        {
            foreach (var (kind, key, fields) in state.Entities())
            {
                var count = 0;
                foreach (var f in fields)
                {
                    count += f.IsNull ? 0 : 1;
                }

                RecordEncoder.EntityHeader(_buffer, EntityOperation.Added, kind, key.Id, key.Second, count);
                for (var i = 0; i < fields.Length; i++)
                {
                    if (!fields[i].IsNull)
                    {
                        RecordEncoder.Field(_buffer, (byte)i, fields[i]);
                    }
                }

                records++;
            }

            foreach (var record in new HistoryRecord?[] { state.Link, state.Degradation, state.Positions })
            {
                if (record is not null)
                {
                    RecordEncoder.Record(_buffer, record);
                    records++;
                }
            }
        }

        WriteFrame(FrameKind.Keyframe, records, moment, moment);
    }

    /// <summary>Appends one change or event (in time order).</summary>
    public void Add(HistoryRecord record)
    {
        var moment = Micros.From(record.At);
        if (_records == 0 && _buffer.Length == 0)
        {
            _first = _last = moment;
        }
        else if (moment != _last)
        {
            RecordEncoder.Moment(_buffer, moment - _last);
            _last = moment;
        }

        RecordEncoder.Record(_buffer, record);
        _records++;
        if (_buffer.Length >= FrameRawBytes)
        {
            WriteFrame(FrameKind.Changes, _records, _first, _last);
        }
    }

    /// <summary>Writes the last frame and flushes.</summary>
    public void Finish()
    {
        if (_buffer.Length > 0)
        {
            WriteFrame(FrameKind.Changes, _records, _first, _last);
        }

        _destination.Flush();
    }

    private void WriteFrame(FrameKind kind, int records, long first, long last)
    {
        FrameIO.Encode(kind, _buffer.Written, records, first, last, _frame);
        _destination.Write(_frame.GetBuffer().AsSpan(0, (int)_frame.Length));
        _buffer.Reset();
        _records = 0;
    }
}

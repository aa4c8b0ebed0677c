using System.Numerics;
using VisionFlow.History.Format;
using VisionFlow.History.Model;
using VisionFlow.History.State;

namespace VisionFlow.History.Recording;

/// <summary>The recorder's side under its lock: live state, and records encoded into the current frame.</summary>
public sealed partial class HistoryRecorder
{
    /// <summary>Fields written at most once per gauge interval, per kind (bit n = field n).</summary>
    private static readonly ulong[] GaugeMask = BuildGaugeMask();

    internal void EntityAdded(long moment, EntityKind kind, string id, string? second, ReadOnlySpan<FieldChange> fields)
    {
        var table = _live[(int)kind];
        var key = new EntityKey(id, second);
        if (table.Remove(key, out var old))
        {
            old.Gone = true;
        }

        var entity = new LiveEntity(kind, key);
        foreach (var f in fields)
        {
            if (f.Field <= LiveEntity.MaxField)
            {
                entity.Set(f.Field, f.Value);
            }
        }

        table[key] = entity;
        WriteEntity(moment, EntityOperation.Added, entity, entity.Known);
    }

    internal void EntityChanged(long moment, EntityKind kind, string id, string? second, ReadOnlySpan<FieldChange> fields)
    {
        var table = _live[(int)kind];
        if (!table.TryGetValue(new EntityKey(id, second), out var entity))
        {
            // A change to something never announced (the recorder started after it appeared): it appears now.
            EntityAdded(moment, kind, id, second, fields);
            return;
        }

        foreach (var f in fields)
        {
            if (f.Field <= LiveEntity.MaxField)
            {
                entity.Set(f.Field, f.Value);
            }
        }

        var dirty = entity.Dirty;
        if (dirty == 0)
        {
            return;
        }

        // Anything but a gauge is written now (with the gauges held back so far); gauges alone wait for their interval.
        if ((dirty & ~GaugeMask[(int)kind]) != 0 || moment - entity.LastWrittenMicros >= Ticks(_options.GaugeInterval))
        {
            WriteEntity(moment, EntityOperation.Changed, entity, dirty);
        }
        else if (!entity.Queued)
        {
            entity.Queued = true;
            _gaugeQueue.Enqueue(entity);
        }
    }

    internal void EntityRemoved(long moment, EntityKind kind, string id, string? second)
    {
        if (!_live[(int)kind].Remove(new EntityKey(id, second), out var entity))
        {
            return;
        }

        entity.Gone = true;
        if (!BeginRecord(moment))
        {
            return;
        }

        RecordEncoder.EntityHeader(_current.Buffer, EntityOperation.Removed, kind, id, second, 0);
        EndRecord();
    }

    internal void LinkChanged(long moment, string state, string? detail, string? failureKind, string? address)
    {
        _link = new LinkSnapshot(state, detail, failureKind, address);
        if (BeginRecord(moment))
        {
            RecordEncoder.Link(_current.Buffer, state, detail, failureKind, address);
            EndRecord();
        }
    }

    internal void DegradationChanged(long moment, int from, int to, string? reason)
    {
        _degradation = (from, to, reason);
        if (BeginRecord(moment))
        {
            RecordEncoder.Degradation(_current.Buffer, from, to, reason);
            EndRecord();
        }
    }

    internal void CommandSent(long moment, string client, string operation, string? target, string? request, int status, string? answer, TimeSpan duration)
    {
        if (BeginRecord(moment))
        {
            RecordEncoder.Command(_current.Buffer, client, operation, target, request, status, answer, duration);
            EndRecord();
        }
    }

    internal void PositionsOffered(long moment, ReadOnlySpan<NodePosition> nodes)
    {
        if (_positions.Length < nodes.Length)
        {
            _positions = new NodePosition[nodes.Length];
        }

        nodes.CopyTo(_positions);
        _positionCount = nodes.Length;
        _positionsPending = true;
        if (moment - _positionsWrittenMicros >= Ticks(_options.PositionInterval))
        {
            WritePositions(moment);
        }
    }

    /// <summary>Writes held-back gauges whose interval has passed (all of them when <paramref name="force"/>), and a due position sample.</summary>
    private void FlushDue(long now, bool force)
    {
        var interval = Ticks(_options.GaugeInterval);
        while (_gaugeQueue.TryPeek(out var entity))
        {
            if (!entity.Gone && entity.Dirty != 0 && !force && now - entity.LastWrittenMicros < interval)
            {
                break;
            }

            _gaugeQueue.Dequeue();
            entity.Queued = false;
            if (!entity.Gone && entity.Dirty != 0)
            {
                WriteEntity(now, EntityOperation.Changed, entity, entity.Dirty);
            }
        }

        if (_positionsPending && (force || now - _positionsWrittenMicros >= Ticks(_options.PositionInterval)))
        {
            WritePositions(now);
        }
    }

    private void WritePositions(long moment)
    {
        _positionsPending = false;
        _positionsWrittenMicros = moment;
        if (BeginRecord(moment))
        {
            RecordEncoder.Positions(_current.Buffer, _positions.AsSpan(0, _positionCount));
            EndRecord();
        }
    }

    private void WriteEntity(long moment, EntityOperation operation, LiveEntity entity, ulong mask)
    {
        mask &= entity.Known;
        entity.Dirty &= ~mask;
        entity.LastWrittenMicros = moment;
        if (!BeginRecord(moment))
        {
            return;
        }

        var b = _current.Buffer;
        RecordEncoder.EntityHeader(b, operation, entity.Kind, entity.Key.Id, entity.Key.Second, BitOperations.PopCount(mask));
        while (mask != 0)
        {
            var field = BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            RecordEncoder.Field(b, (byte)field, entity.Values[field]);
        }

        EndRecord();
    }

    private void WriteGap(long moment, long sinceMicros, GapReason reason, long dropped)
    {
        // Written even while paused: it goes right after the keyframe that ends the pause, and is dropped with it if that fails.
        if (BeginRecord(moment, always: true))
        {
            RecordEncoder.Gap(_current.Buffer, sinceMicros, reason, dropped);
            EndRecord();
        }
    }

    /// <summary>Starts a record at <paramref name="moment"/> in the current frame; false while paused (the record is counted as dropped).</summary>
    private bool BeginRecord(long moment, bool always = false)
    {
        if ((_paused || _needKeyframe) && !always)
        {
            // Lost until the keyframe that ends the pause (or the backlog) restates the state.
            Interlocked.Increment(ref _dropped);
            return false;
        }

        var block = _current;
        if (block.IsEmpty)
        {
            block.FirstMicros = block.LastMicros = moment;
        }
        else if (moment != block.LastMicros)
        {
            RecordEncoder.Moment(block.Buffer, moment - block.LastMicros);
            block.LastMicros = moment;
        }

        return true;
    }

    private void EndRecord()
    {
        _current.Records++;
        if (_current.Buffer.Length >= _options.BlockBytes)
        {
            Seal();
        }
    }

    /// <summary>
    /// Writes the whole live state as a keyframe frame of its own (sealing the current frame first). False when no block
    /// is free for it: the keyframe is then owed, and the next tick tries again.
    /// </summary>
    private bool Keyframe(long moment, bool newSegment, bool resume)
    {
        Seal();
        if (!_free.TryDequeue(out var block))
        {
            _needKeyframe = true;
            return false;
        }

        block.Kind = FrameKind.Keyframe;
        block.NewSegment = newSegment;
        block.Resume = resume;
        block.FirstMicros = block.LastMicros = moment;
        var b = block.Buffer;
        foreach (var table in _live)
        {
            foreach (var entity in table.Values)
            {
                var mask = entity.Known;
                entity.Dirty = 0;
                entity.LastWrittenMicros = moment;
                RecordEncoder.EntityHeader(b, EntityOperation.Added, entity.Kind, entity.Key.Id, entity.Key.Second, BitOperations.PopCount(mask));
                while (mask != 0)
                {
                    var field = BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                    RecordEncoder.Field(b, (byte)field, entity.Values[field]);
                }

                block.Records++;
            }
        }

        if (_link is { } link)
        {
            RecordEncoder.Link(b, link.State, link.Detail, link.FailureKind, link.Address);
            block.Records++;
        }

        if (_degradation is { } d)
        {
            RecordEncoder.Degradation(b, d.From, d.To, d.Reason);
            block.Records++;
        }

        if (_positionCount > 0)
        {
            RecordEncoder.Positions(b, _positions.AsSpan(0, _positionCount));
            block.Records++;
            _positionsPending = false;
            _positionsWrittenMicros = moment;
        }

        _lastKeyframeBytes = b.Length;
        _bytesSinceKeyframe = 0;
        if (newSegment)
        {
            _segmentStartedMicros = moment;
        }

        Enqueue(block);
        return true;
    }

    /// <summary>Hands the current frame to the writer and takes a free one; with none free (the disk is behind) the
    /// frame's records are dropped, counted, and a keyframe is owed.</summary>
    private void Seal()
    {
        var block = _current;
        if (block.IsEmpty)
        {
            return;
        }

        if (!_free.TryDequeue(out var next))
        {
            Log.Backlog(_logger, block.Records);
            Interlocked.Add(ref _dropped, block.Records);
            block.Reset();
            _needKeyframe = true;
            return;
        }

        _bytesSinceKeyframe += block.Buffer.Length;
        _current = next;
        Enqueue(block);

        // Rolled here as well as on the tick: a producer that never lets go of the lock (a flood) must not grow a
        // segment past its size, which is what bounds the scan after a kill.
        if (_rollRequested)
        {
            _rollRequested = false;
            Keyframe(block.LastMicros, newSegment: true, resume: false);
        }
        else if (_bytesSinceKeyframe >= Math.Max(_options.KeyframeMinBytes, 4 * _lastKeyframeBytes))
        {
            Keyframe(block.LastMicros, newSegment: false, resume: false);
        }
    }

    private void Enqueue(HistoryBlock block)
    {
        block.Sequence = ++_sealedSequence;
        _sealed.Writer.TryWrite(block);
    }

    /// <summary>Forgets the current frame's records (while paused nothing more is written until the resume keyframe).</summary>
    private void DropCurrent()
    {
        Interlocked.Add(ref _dropped, _current.Records);
        _current.Reset();
        foreach (var entity in _gaugeQueue)
        {
            entity.Queued = false;
        }

        _gaugeQueue.Clear();
    }

    private static ulong[] BuildGaugeMask()
    {
        var mask = new ulong[(int)EntityKind.Note + 1];
        mask[(int)EntityKind.Agent] = Bit(AgentField.CpuUsage) | Bit(AgentField.MemoryUsage) | Bit(AgentField.TokensUsed) | Bit(AgentField.LastSeen) | Bit(AgentField.TelemetryTimestamp);
        mask[(int)EntityKind.Edge] = (1UL << (int)EdgeField.Weight) | (1UL << (int)EdgeField.Messages) | (1UL << (int)EdgeField.Bytes);
        return mask;

        static ulong Bit(AgentField f) => 1UL << (int)f;
    }
}

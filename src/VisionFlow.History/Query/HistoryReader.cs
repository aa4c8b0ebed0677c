using VisionFlow.History.Format;
using VisionFlow.History.Model;
using VisionFlow.History.State;
using VisionFlow.History.Export;
using VisionFlow.History.Store;

namespace VisionFlow.History.Query;

/// <summary>
/// Questions about what was recorded, answered from the files: the summary, the state at a moment (from the last
/// keyframe at or before it, then the changes up to it), events in a range (paged), and export of a range as a
/// recording. Thread-safe; each call reads on its own.
/// </summary>
public sealed class HistoryReader
{
    /// <summary>The largest page of events.</summary>
    public const int MaxPage = 10_000;

    private readonly IHistorySource _source;

    internal HistoryReader(IHistorySource source) => _source = source;

    /// <summary>First and last moment, bytes and events.</summary>
    public HistorySummary Summary() => Summarize(_source.Snapshot());

    private HistorySummary Summarize(IReadOnlyList<SegmentSnapshot> segments)
    {
        var tail = _source.Tail;
        long? first = null, last = null;
        foreach (var s in segments)
        {
            if (s.Chunks.Length > 0)
            {
                first = Math.Min(first ?? long.MaxValue, s.FirstMicros);
                last = Math.Max(last ?? long.MinValue, s.LastMicros);
            }
        }

        if (tail.Count > 0)
        {
            first ??= Micros.From(tail[0].At);
            last = Math.Max(last ?? long.MinValue, Micros.From(tail[^1].At));
        }

        return new HistorySummary(
            first is { } f ? Micros.ToTime(f) : null,
            last is { } l ? Micros.ToTime(l) : null,
            segments.Sum(s => s.Length),
            segments.Sum(s => s.Events) + tail.Count,
            segments.Count);
    }

    /// <summary>Agents, swarms, tasks, edges, notes, link and level as they were at <paramref name="at"/>.</summary>
    public StateAtResult StateAt(DateTimeOffset at)
    {
        var segments = _source.Snapshot();
        var summary = Summarize(segments);
        if (summary.First is not { } first || summary.Last is not { } last)
        {
            return new StateAtResult(StateAtOutcome.Empty, null, null, null);
        }

        if (at < first)
        {
            return new StateAtResult(StateAtOutcome.BeforeFirst, null, first, last);
        }

        var outcome = at > last ? StateAtOutcome.AfterLast : StateAtOutcome.Recorded;
        var target = Micros.From(at > last ? last : at);
        var model = Replay(segments, target);
        return new StateAtResult(outcome, model.ToView(at > last ? last : at), first, last);
    }

    /// <summary>
    /// Events from <paramref name="from"/> to <paramref name="to"/> (both included), oldest first, at most
    /// <paramref name="limit"/>, continuing at <paramref name="cursor"/> (the previous page's <see cref="EventPage.Next"/>).
    /// With <paramref name="agentId"/>, only what concerns that agent: its own changes, edges from or to it, commands
    /// aimed at it and tasks naming it. Position samples are left out unless <paramref name="includePositions"/>.
    /// </summary>
    public EventPage Events(DateTimeOffset from, DateTimeOffset to, string? agentId = null, int limit = 500, string? cursor = null, bool includePositions = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPage);
        EventCursor? start = null;
        if (cursor is not null)
        {
            if (!EventCursor.TryParse(cursor, out var parsed))
            {
                throw new FormatException("cursor: not one this service gave");
            }

            start = parsed;
        }

        var fromMicros = Micros.From(from);
        var toMicros = Micros.From(to);
        var events = new List<HistoryRecord>();
        string? next = null;
        var walker = new FrameWalker();
        foreach (var segment in _source.Snapshot())
        {
            if (segment.Chunks.Length == 0 || segment.LastMicros < fromMicros || segment.FirstMicros > toMicros
                || (start is { } s0 && segment.Header.Sequence < s0.Segment))
            {
                continue;
            }

            var firstChunk = FirstChunkEndingAtOrAfter(segment.Chunks, fromMicros);
            var done = !walker.Walk(segment, firstChunk, (in FrameHeader header, long offset, ReadOnlySpan<byte> raw) =>
            {
                if (header.FirstMicros > toMicros)
                {
                    return false;
                }

                if (header.Kind == FrameKind.Keyframe || header.LastMicros < fromMicros
                    || (start is { } s && new EventCursor(segment.Header.Sequence, offset, int.MaxValue).CompareTo(s) < 0))
                {
                    return true;
                }

                var decoder = new RecordDecoder(raw, header.FirstMicros);
                var index = 0;
                while (decoder.TryRead(out var record))
                {
                    var here = new EventCursor(segment.Header.Sequence, offset, index++);
                    var moment = decoder.MomentMicros;
                    if (moment < fromMicros || (start is { } s1 && here.CompareTo(s1) < 0) || !Wanted(record!, agentId, includePositions))
                    {
                        continue;
                    }

                    if (moment > toMicros)
                    {
                        return false;
                    }

                    if (events.Count == limit)
                    {
                        next = here.ToString();
                        return false;
                    }

                    events.Add(record!);
                }

                return true;
            });
            if (done)
            {
                break;
            }
        }

        if (next is null)
        {
            // A truncated recording's salvaged records come after every whole frame (cursor: past the last segment).
            var tail = _source.Tail;
            var tailSegment = ulong.MaxValue;
            for (var i = 0; i < tail.Count && next is null; i++)
            {
                var record = tail[i];
                var here = new EventCursor(tailSegment, 0, i);
                if (record.At < from || record.At > to || (start is { } s2 && here.CompareTo(s2) < 0) || !Wanted(record, agentId, includePositions))
                {
                    continue;
                }

                if (events.Count == limit)
                {
                    next = here.ToString();
                    break;
                }

                events.Add(record);
            }
        }

        return new EventPage(events, next);
    }

    /// <summary>
    /// Writes the range as a self-contained recording to <paramref name="destination"/>: a keyframe of the state at
    /// <paramref name="from"/> (or at the first record, if later), then every change and event up to <paramref name="to"/>.
    /// Returns the number of records written after the keyframe.
    /// </summary>
    public long Export(DateTimeOffset from, DateTimeOffset to, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var summary = Summary();
        if (summary.First is { } first && from < first)
        {
            from = first;
        }

        var state = summary.First is null ? null : Replay(_source.Snapshot(), Micros.From(from));
        var writer = new RecordingWriter(destination, Micros.From(from));
        writer.Keyframe(state, Micros.From(from));
        long written = 0;
        string? cursor = null;
        do
        {
            var page = Events(from, to, null, MaxPage, cursor, includePositions: true);
            foreach (var record in page.Events)
            {
                // The keyframe already holds what happened at the first moment itself.
                if (record.At > from)
                {
                    writer.Add(record);
                    written++;
                }
            }

            cursor = page.Next;
        }
        while (cursor is not null);

        writer.Finish();
        return written;
    }

    private StateModel Replay(IReadOnlyList<SegmentSnapshot> segments, long target)
    {
        var model = new StateModel();
        var walker = new FrameWalker();

        // The last keyframe at or before the target: every segment starts with one, so it is in the last segment that
        // starts at or before the target.
        for (var s = segments.Count - 1; s >= 0; s--)
        {
            var segment = segments[s];
            var chunks = segment.Chunks;
            var k = -1;
            for (var c = chunks.Length - 1; c >= 0; c--)
            {
                if (chunks[c].StartsWithKeyframe && chunks[c].FirstMicros <= target)
                {
                    k = c;
                    break;
                }
            }

            if (k < 0)
            {
                continue;
            }

            walker.Walk(segment, k, (in FrameHeader header, long offset, ReadOnlySpan<byte> raw) =>
            {
                if (header.FirstMicros > target)
                {
                    return false;
                }

                if (header.Kind == FrameKind.Keyframe)
                {
                    model.Clear();
                }

                var decoder = new RecordDecoder(raw, header.FirstMicros);
                while (decoder.TryRead(out var record))
                {
                    if (decoder.MomentMicros > target)
                    {
                        return false;
                    }

                    model.Apply(record!);
                }

                return true;
            });
            break;
        }

        foreach (var record in _source.Tail)
        {
            if (Micros.From(record.At) > target)
            {
                break;
            }

            model.Apply(record);
        }

        return model;
    }

    private static int FirstChunkEndingAtOrAfter(IndexChunk[] chunks, long micros)
    {
        // Chunks are in time order: binary search on their last moment.
        int lo = 0, hi = chunks.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (chunks[mid].LastMicros < micros)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static bool Wanted(HistoryRecord record, string? agentId, bool includePositions)
    {
        if (record is PositionsRecord)
        {
            return includePositions && agentId is null;
        }

        if (agentId is null)
        {
            return true;
        }

        return record switch
        {
            EntityRecord { Kind: EntityKind.Agent } e => e.Id == agentId,
            EntityRecord { Kind: EntityKind.Edge } e => e.Id == agentId || e.Second == agentId,
            EntityRecord { Kind: EntityKind.Task } e => e.Fields.Any(f => f.Field == (byte)TaskField.AgentIds && f.Value.AsTextList?.Contains(agentId) == true),
            CommandRecord c => c.Target == agentId,
            _ => false,
        };
    }
}

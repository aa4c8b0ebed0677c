using System.Globalization;
using VisionFlow.History.Format;

namespace VisionFlow.History.Store;

/// <summary>
/// The history folder: numbered segment files, oldest first, the last one active. One writer (the recorder's writer
/// loop) appends, rolls and deletes; readers copy the index under <see cref="Gate"/> and read the files themselves
/// (positional reads, shared with deletion: a segment deleted under a reader ends that reader's walk, nothing more).
/// </summary>
internal sealed class HistoryStore : IHistorySource, IDisposable
{
    private readonly List<SegmentIndex> _segments = [];
    private FileStream? _active;
    private ulong _nextSequence = 1;

    private HistoryStore(string directory, long maxBytes, TimeSpan retention, long segmentBytes)
    {
        Directory = directory;
        MaxBytes = maxBytes;
        Retention = retention;
        SegmentBytes = segmentBytes;
    }

    public string Directory { get; }

    public long MaxBytes { get; }

    public TimeSpan Retention { get; }

    /// <summary>A segment is rolled once it reaches this size.</summary>
    public long SegmentBytes { get; }

    /// <summary>Guards the segment list and the active segment's index against the readers.</summary>
    public object Gate { get; } = new();

    /// <summary>What opening found: torn bytes dropped from the last segment, files that were not segments.</summary>
    public string? RecoveryNote { get; private set; }

    /// <summary>Bytes dropped from the tail when opening (0 after a clean stop).</summary>
    public long RecoveredTornBytes { get; private set; }

    /// <summary>The last moment recorded before this run (null for an empty store).</summary>
    public long? LastMicrosBeforeOpen { get; private set; }

    /// <summary>
    /// Opens (creating) the folder, indexes its segments and cuts a torn tail off the last one: after a <c>kill -9</c>
    /// the store reads up to its last whole frame, and the next segment starts clean.
    /// </summary>
    public static HistoryStore Open(string directory, long maxBytes, TimeSpan retention, long segmentBytes)
    {
        System.IO.Directory.CreateDirectory(directory);
        var store = new HistoryStore(directory, maxBytes, retention, segmentBytes);
        var files = System.IO.Directory.EnumerateFiles(directory, "*" + HistoryFormat.SegmentExtension)
            .Select(p => (Path: p, Sequence: ulong.TryParse(System.IO.Path.GetFileNameWithoutExtension(p), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0))
            .Where(f => f.Sequence > 0)
            .OrderBy(f => f.Sequence)
            .ToList();
        var notes = new List<string>();
        for (var i = 0; i < files.Count; i++)
        {
            var (path, sequence) = files[i];
            var last = i == files.Count - 1;
            ScanResult scan;
            try
            {
                scan = SegmentScanner.Scan(path, verifyChecksums: last);
            }
            catch (IOException ex)
            {
                notes.Add($"{System.IO.Path.GetFileName(path)} unreadable ({ex.Message})");
                continue;
            }

            store._nextSequence = Math.Max(store._nextSequence, sequence + 1);
            if (scan.Index is not { } index)
            {
                notes.Add($"{System.IO.Path.GetFileName(path)} is not a history segment ({scan.Status}), left alone");
                continue;
            }

            if (scan.TornBytes > 0)
            {
                // Only the active segment of a killed run can end inside a frame; cut it back to its last whole frame so
                // nothing after it is ever mistaken for data.
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
                {
                    stream.SetLength(index.Length);
                    stream.Flush(flushToDisk: true);
                }

                store.RecoveredTornBytes += scan.TornBytes;
                notes.Add($"{System.IO.Path.GetFileName(path)}: dropped a torn tail of {scan.TornBytes} bytes ({scan.Tail?.Reason})");
            }

            if (index.IsEmpty)
            {
                File.Delete(path);
                continue;
            }

            store._segments.Add(index);
            store.LastMicrosBeforeOpen = Math.Max(store.LastMicrosBeforeOpen ?? long.MinValue, index.LastMicros);
        }

        store.RecoveryNote = notes.Count == 0 ? null : string.Join("; ", notes);
        return store;
    }

    /// <summary>The segments, oldest first, with copies of their chunk lists (safe to walk while the writer goes on).</summary>
    public IReadOnlyList<SegmentSnapshot> Snapshot()
    {
        lock (Gate)
        {
            var result = new SegmentSnapshot[_segments.Count];
            for (var i = 0; i < result.Length; i++)
            {
                var s = _segments[i];
                result[i] = new SegmentSnapshot(s.Path, s.Header, s.Frozen, s.FirstMicros, s.LastMicros, s.Length, s.Events);
            }

            return result;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<Model.HistoryRecord> Tail => [];

    /// <summary>Bytes of all segments.</summary>
    public long TotalBytes
    {
        get
        {
            lock (Gate)
            {
                return _segments.Sum(s => s.Length);
            }
        }
    }

    /// <summary>Bytes of the active segment (0 when none is open).</summary>
    public long ActiveBytes
    {
        get
        {
            lock (Gate)
            {
                return _active is null ? 0 : _segments[^1].Length;
            }
        }
    }

    public bool HasActive => _active is not null;

    /// <summary>
    /// Closes the active segment (synced) and starts the next one with its header, after deleting the oldest segments
    /// that are past the retention or that the new one would push over <see cref="MaxBytes"/>.
    /// </summary>
    public void StartSegment(long createdMicros, long nowMicros)
    {
        CloseActive();
        EnforceLimits(nowMicros);
        var sequence = _nextSequence++;
        var path = System.IO.Path.Combine(Directory, sequence.ToString("D12", CultureInfo.InvariantCulture) + HistoryFormat.SegmentExtension);
        var header = new FileHeader(FileKind.Segment, sequence, createdMicros);
        Span<byte> bytes = stackalloc byte[HistoryFormat.FileHeaderSize];
        header.Write(bytes);
        FileStream? stream = null;
        try
        {
            stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, bufferSize: 0);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            stream?.Dispose();
            TryDelete(path);
            throw;
        }

        lock (Gate)
        {
            _segments.Add(new SegmentIndex(path, header));
            _active = stream;
        }
    }

    /// <summary>Appends one encoded frame to the active segment; on failure the segment is cut back to its last whole frame.</summary>
    public void Append(ReadOnlySpan<byte> frame, in FrameHeader header)
    {
        var active = _active ?? throw new InvalidOperationException("no active segment");
        var segment = _segments[^1];
        try
        {
            active.Position = segment.Length;
            active.Write(frame);
        }
        catch (IOException)
        {
            CutBack(active, segment.Length);
            throw;
        }

        lock (Gate)
        {
            segment.Add(header);
        }
    }

    /// <summary>Pushes the active segment's written bytes to the device (fdatasync).</summary>
    public void Sync() => _active?.Flush(flushToDisk: true);

    /// <summary>Closes the active segment after syncing it; a segment that holds no frame is deleted.</summary>
    public void CloseActive()
    {
        if (_active is not { } active)
        {
            return;
        }

        try
        {
            active.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            // Closing after a failed write: the index already ends at the last whole frame.
        }

        active.Dispose();
        lock (Gate)
        {
            _active = null;
            if (_segments[^1].IsEmpty)
            {
                TryDelete(_segments[^1].Path);
                _segments.RemoveAt(_segments.Count - 1);
            }
        }
    }

    /// <summary>Deletes whole segments, oldest first, that ended before the retention or that leave no room for a new
    /// segment under <see cref="MaxBytes"/>. The active segment is never deleted.</summary>
    public int EnforceLimits(long nowMicros)
    {
        var deleted = 0;
        var oldest = nowMicros - (long)(Retention.Ticks / TimeSpan.TicksPerMicrosecond);
        while (true)
        {
            SegmentIndex victim;
            lock (Gate)
            {
                var closed = _active is null ? _segments.Count : _segments.Count - 1;
                if (closed == 0)
                {
                    return deleted;
                }

                var total = _segments.Sum(s => s.Length);
                var headroom = _active is null ? 2 * SegmentBytes : SegmentBytes;
                var first = _segments[0];
                if (first.LastMicros >= oldest && total + headroom <= MaxBytes)
                {
                    return deleted;
                }

                victim = first;
                _segments.RemoveAt(0);
            }

            TryDelete(victim.Path);
            deleted++;
        }
    }

    public void Dispose() => CloseActive();

    private static void CutBack(FileStream stream, long length)
    {
        try
        {
            stream.SetLength(length);
        }
        catch (IOException)
        {
            // The scan at the next open drops whatever is left after the last whole frame.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

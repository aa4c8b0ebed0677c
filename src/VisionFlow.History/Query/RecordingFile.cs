using VisionFlow.History.Format;
using VisionFlow.History.Model;
using VisionFlow.History.Store;

namespace VisionFlow.History.Query;

/// <summary>
/// A recording file opened for replay. A file that is not a recording, or one this version cannot read, is refused
/// with one line saying so; a truncated one opens with a warning and replays up to its last whole record (the whole
/// frames, then what inflates of the cut one).
/// </summary>
public sealed class RecordingFile : IHistorySource
{
    private readonly SegmentSnapshot _segment;

    private RecordingFile(SegmentSnapshot segment, IReadOnlyList<HistoryRecord> tail, string? warning)
    {
        _segment = segment;
        Tail = tail;
        Warning = warning;
        Reader = new HistoryReader(this);
    }

    /// <summary>Queries over the recording.</summary>
    public HistoryReader Reader { get; }

    /// <summary>Set when the file was cut short: what was lost and up to when it replays.</summary>
    public string? Warning { get; }

    /// <inheritdoc />
    public IReadOnlyList<HistoryRecord> Tail { get; }

    /// <inheritdoc />
    IReadOnlyList<SegmentSnapshot> IHistorySource.Snapshot() => [_segment];

    /// <summary>Opens <paramref name="path"/>; null with <paramref name="error"/> (one line) when it cannot be replayed.</summary>
    public static RecordingFile? Open(string path, out string? error)
    {
        ArgumentNullException.ThrowIfNull(path);
        ScanResult scan;
        try
        {
            scan = SegmentScanner.Scan(path, verifyChecksums: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"{path}: cannot be read ({ex.Message})";
            return null;
        }

        if (scan.Index is not { } index)
        {
            error = scan.Status switch
            {
                FileHeaderStatus.NotHistory => $"{path}: not a recording (no VisionFlow history header)",
                FileHeaderStatus.Truncated => $"{path}: truncated inside its header, nothing to replay",
                FileHeaderStatus.NewerVersion => $"{path}: written by a newer history format than version {HistoryFormat.Version}; upgrade visionflow to replay it",
                _ => $"{path}: not a recording (its header is damaged)",
            };
            return null;
        }

        IReadOnlyList<HistoryRecord> tail = [];
        string? warning = null;
        if (scan.Tail is { } torn)
        {
            tail = Salvage(path, torn, out var salvaged);
            var upTo = tail.Count > 0 ? tail[^1].At : index.IsEmpty ? (DateTimeOffset?)null : Micros.ToTime(index.LastMicros);
            warning = $"{path}: truncated ({torn.Reason} at byte {torn.Offset}, {scan.FileLength - torn.Offset} bytes); replaying up to its last whole record"
                + (upTo is { } u ? $" at {u:O}" : string.Empty) + (salvaged ? $" ({tail.Count} records recovered from the cut frame)" : string.Empty);
        }

        if (index.IsEmpty && tail.Count == 0)
        {
            error = $"{path}: holds no whole frame, nothing to replay";
            return null;
        }

        error = null;
        var segment = new SegmentSnapshot(path, index.Header, [.. index.Chunks], index.FirstMicros, index.LastMicros, index.Length, index.Events);
        return new RecordingFile(segment, tail, warning);
    }

    /// <summary>The whole records at the start of a cut frame: the bytes that are there, inflated as far as they go.</summary>
    private static List<HistoryRecord> Salvage(string path, TornTail torn, out bool salvaged)
    {
        var records = new List<HistoryRecord>();
        salvaged = false;
        if (torn.Header is not { Kind: FrameKind.Changes } header)
        {
            return records;
        }

        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var buffer = Array.Empty<byte>();
        var got = FrameIO.Read(file, torn.Offset + HistoryFormat.FrameHeaderSize, header.StoredLength, ref buffer);
        var scratch = Array.Empty<byte>();
        scoped ReadOnlySpan<byte> raw;
        try
        {
            raw = FrameIO.Decode(header, buffer.AsSpan(0, got), ref scratch, partial: true);
        }
        catch (InvalidDataException)
        {
            return records;
        }

        var decoder = new RecordDecoder(raw, header.FirstMicros);
        while (decoder.TryRead(out var record))
        {
            records.Add(record!);
        }

        // A record cut at the end of the bytes does not decode and is left out; so is anything after a damaged one.
        salvaged = records.Count > 0;
        return records;
    }
}

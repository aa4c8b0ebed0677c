namespace VisionFlow.History.Recording;

/// <summary>How the recorder keeps history; validated once (<see cref="Validate"/>) when the recorder starts.</summary>
public sealed class HistoryRecorderOptions
{
    /// <summary>The default bound on the store's size: 256 MiB.</summary>
    public const long DefaultMaxBytes = 256L * 1024 * 1024;

    /// <summary>The folder the segments live in.</summary>
    public required string Directory { get; init; }

    /// <summary>The store never holds more (oldest segments go first). At least 1 MiB.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>Segments whose last record is older than this go. At least one minute.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Gauges (an agent's CPU, memory, tokens and last-seen, an edge's weight and counts) are written at most this
    /// often per entity, with the latest value; everything else is written as it happens. Zero writes every change.
    /// </summary>
    public TimeSpan GaugeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Node positions are sampled at most this often (a replayed moment shows the layout of its last sample).</summary>
    public TimeSpan PositionInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Changes reach the file at least this often: the most a <c>kill -9</c> can lose. 10 ms to 1 s.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>After the disk filled up (or a write failed), recording is tried again this often.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Raw bytes of records per frame before it is written early.</summary>
    internal int BlockBytes { get; init; } = 64 * 1024;

    /// <summary>Sealed frames waiting for the disk; beyond them a flood drops frames (memory stays flat) and says so with a gap.</summary>
    internal int QueuedBlocks { get; init; } = 8;

    /// <summary>A keyframe is written once this many raw bytes of changes (or four keyframes' worth, if more) followed the
    /// last: what a state-at query decodes at most beyond a keyframe, for about an eighth more bytes on disk at 1,000 agents.</summary>
    internal long KeyframeMinBytes { get; init; } = 512 * 1024;

    /// <summary>Deflate level of the frames: the fastest. zlib's default level writes ~16 % fewer bytes (74.7 against 88.8
    /// MB an hour at 1,000 agents), but its deflate was a third of recording's cost in the service at 10,000 agents
    /// (bench/README.md, "History").</summary>
    internal System.IO.Compression.CompressionLevel Compression { get; init; } = System.IO.Compression.CompressionLevel.Fastest;

    /// <summary>A segment's size before a new one starts: a sixteenth of <see cref="MaxBytes"/>, 64 KiB to 16 MiB.</summary>
    internal long SegmentBytes => Math.Clamp(MaxBytes / 16, 64 * 1024, 16L * 1024 * 1024);

    /// <summary>A segment's age before a new one starts, so the retention drops data in steps of at most this: a sixteenth of the retention, one minute to six hours.</summary>
    internal TimeSpan SegmentAge => TimeSpan.FromTicks(Math.Clamp(Retention.Ticks / 16, TimeSpan.TicksPerMinute, 6 * TimeSpan.TicksPerHour));

    /// <summary>Null when valid, else a message naming the setting and its accepted range.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory))
        {
            return "history directory: must name a folder";
        }

        if (MaxBytes < 1024 * 1024)
        {
            return "history max bytes: at least 1048576 (1 MiB)";
        }

        if (Retention < TimeSpan.FromMinutes(1))
        {
            return "history retention: at least one minute";
        }

        if (GaugeInterval < TimeSpan.Zero || GaugeInterval > TimeSpan.FromMinutes(10))
        {
            return "history gauge interval: 0 to 10 minutes";
        }

        if (PositionInterval < TimeSpan.FromMilliseconds(100) || PositionInterval > TimeSpan.FromHours(1))
        {
            return "history position interval: 100 ms to 1 hour";
        }

        if (FlushInterval < TimeSpan.FromMilliseconds(10) || FlushInterval > TimeSpan.FromSeconds(1))
        {
            return "history flush interval: 10 ms to 1 s";
        }

        return RetryInterval < TimeSpan.FromMilliseconds(10) ? "history retry interval: at least 10 ms" : null;
    }
}

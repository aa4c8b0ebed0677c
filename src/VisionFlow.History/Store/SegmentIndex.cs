using VisionFlow.History.Format;

namespace VisionFlow.History.Store;

/// <summary>
/// What is known about one history file without reading its records: where its chunks are, their moments and record
/// counts. The writer appends to the active segment's index under the store's lock; readers copy what they need under
/// the same lock.
/// </summary>
internal sealed class SegmentIndex
{
    /// <summary>A chunk grows while it stays under this many bytes.</summary>
    public const int ChunkBytes = 64 * 1024;

    private readonly List<IndexChunk> _chunks = [];
    private IndexChunk[]? _frozen;

    public SegmentIndex(string path, FileHeader header)
    {
        Path = path;
        Header = header;
        Length = HistoryFormat.FileHeaderSize;
    }

    public string Path { get; }

    public FileHeader Header { get; }

    /// <summary>Bytes of whole frames (and the header): where the next frame goes.</summary>
    public long Length { get; private set; }

    public long FirstMicros { get; private set; } = long.MaxValue;

    public long LastMicros { get; private set; } = long.MinValue;

    /// <summary>Records in change frames (keyframes restate, they are not events).</summary>
    public long Events { get; private set; }

    public bool IsEmpty => _chunks.Count == 0;

    public IReadOnlyList<IndexChunk> Chunks => _chunks;

    /// <summary>The chunks as an array readers may keep: copied once per change, so a closed segment is copied once.</summary>
    public IndexChunk[] Frozen => _frozen ??= [.. _chunks];

    /// <summary>Notes a whole frame written (or found) at <see cref="Length"/>.</summary>
    public void Add(in FrameHeader frame)
    {
        _frozen = null;
        var offset = Length;
        var length = checked((int)frame.TotalLength);
        var records = frame.Kind == FrameKind.Changes ? frame.Records : 0;
        if (_chunks.Count > 0 && frame.Kind == FrameKind.Changes && _chunks[^1] is var last && last.Length + length <= ChunkBytes)
        {
            _chunks[^1] = last with
            {
                Length = last.Length + length,
                LastMicros = Math.Max(last.LastMicros, frame.LastMicros),
                Records = last.Records + records,
            };
        }
        else
        {
            _chunks.Add(new IndexChunk(offset, length, frame.FirstMicros, frame.LastMicros, records, frame.Kind == FrameKind.Keyframe));
        }

        Length += length;
        FirstMicros = Math.Min(FirstMicros, frame.FirstMicros);
        LastMicros = Math.Max(LastMicros, frame.LastMicros);
        Events += records;
    }
}

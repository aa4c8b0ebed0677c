using VisionFlow.History.Format;

namespace VisionFlow.History.Store;

/// <summary>A segment as a reader sees it: path, header, chunks at the time of the copy.</summary>
internal sealed record SegmentSnapshot(string Path, FileHeader Header, IndexChunk[] Chunks, long FirstMicros, long LastMicros, long Length, long Events);

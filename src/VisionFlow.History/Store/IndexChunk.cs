namespace VisionFlow.History.Store;

/// <summary>
/// A run of whole frames in a segment, read as one: at most ~64 KiB, and a keyframe always starts a new one. The
/// index keeps chunks rather than frames so its memory follows the store's bytes, not how often it was flushed.
/// </summary>
internal readonly record struct IndexChunk(long Offset, int Length, long FirstMicros, long LastMicros, int Records, bool StartsWithKeyframe);

namespace VisionFlow.History.Format;

/// <summary>What a history file is: one segment of the live store, or an exported recording (one self-contained file).</summary>
internal enum FileKind : byte
{
    /// <summary>A segment of the store in the history folder.</summary>
    Segment = 1,

    /// <summary>A recording exported for someone else (starts with a keyframe, read by <c>visionflow replay</c>).</summary>
    Recording = 2,
}

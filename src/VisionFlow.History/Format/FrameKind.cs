namespace VisionFlow.History.Format;

/// <summary>What a frame's records are.</summary>
internal enum FrameKind : byte
{
    /// <summary>The whole state at one moment: applying it replaces what a reader had.</summary>
    Keyframe = 1,

    /// <summary>Changes and events, applied on top of the state before them.</summary>
    Changes = 2,
}

namespace VisionFlow.History.Format;

/// <summary>How a frame's payload is stored.</summary>
internal enum FrameCodec : byte
{
    /// <summary>The records as they are.</summary>
    None = 0,

    /// <summary>Raw deflate (RFC 1951) of the records.</summary>
    Deflate = 1,
}

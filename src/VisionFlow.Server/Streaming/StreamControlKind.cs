namespace VisionFlow.Server.Streaming;

/// <summary>Kinds of client control requests.</summary>
internal enum StreamControlKind
{
    /// <summary>Lower (or restore) the frame rate.</summary>
    SetRate,

    /// <summary>Send a complete frame next.</summary>
    RequestFull,
}

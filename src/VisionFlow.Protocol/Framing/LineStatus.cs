namespace VisionFlow.Protocol.Framing;

/// <summary>What <see cref="LineFramer.TryReadLine"/> found in the buffered bytes.</summary>
internal enum LineStatus
{
    /// <summary>The buffer holds no complete JSON line yet; read more.</summary>
    NeedMoreData,

    /// <summary>A complete JSON line was sliced off the buffer.</summary>
    Line,

    /// <summary>A line exceeds the configured maximum: a protocol error that ends the connection.</summary>
    LineTooLong,
}

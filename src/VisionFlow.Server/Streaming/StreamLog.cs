using Microsoft.Extensions.Logging;

namespace VisionFlow.Server.Streaming;

/// <summary>Source-generated log messages of the position stream.</summary>
internal static partial class StreamLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Stream control message rejected: {Reason}")]
    public static partial void ControlRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Stream client connected ({Clients} now)")]
    public static partial void Connected(ILogger logger, int clients);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Stream client disconnected after {Frames} frames ({Clients} now)")]
    public static partial void Disconnected(ILogger logger, long frames, int clients);
}

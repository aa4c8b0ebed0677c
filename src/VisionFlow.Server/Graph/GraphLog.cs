using Microsoft.Extensions.Logging;

namespace VisionFlow.Server.Graph;

/// <summary>Source-generated log messages of the graph service.</summary>
internal static partial class GraphLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Error, Message = "Graph rebuild failed; retrying on the next tick")]
    public static partial void RebuildFailed(ILogger logger, Exception exception);
}

using Microsoft.Extensions.Logging;

namespace VisionFlow.Server.Hosting;

/// <summary>Source-generated log messages for the host.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "VisionFlow {Version} listening on {Address}")]
    public static partial void Listening(ILogger logger, string address, string version);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "The runtime (MCP link, graph, physics) failed to start; the service keeps answering and reports it")]
    public static partial void RuntimeStartFailed(ILogger logger, Exception exception);
    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Replaying {File} read-only: {First:O} to {Last:O}; commands are refused")]
    public static partial void Replaying(ILogger logger, string file, DateTimeOffset? first, DateTimeOffset? last);
}

using Microsoft.Extensions.Logging;

namespace VisionFlow.Connections.Pooling;

/// <summary>Source-generated log messages of <see cref="ConnectionPool{TConnection}"/> (a generic type cannot hold them itself).</summary>
internal static partial class PoolLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Pooled connection closed: {Reason}")]
    public static partial void Evicted(ILogger logger, string reason);

    // Debug and without the exception: the caller gets the failure and reports it with its meaning.
    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Opening a pooled connection failed: {Error}")]
    public static partial void CreationFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Connection pool exhausted ({Max} in use, {Waiting} waiting)")]
    public static partial void Exhausted(ILogger logger, int max, int waiting);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Pool maintenance pass failed")]
    public static partial void MaintenanceFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Debug, Message = "Closing a pooled connection threw")]
    public static partial void DisposeFailed(ILogger logger, Exception exception);
}

using Microsoft.Extensions.Logging;

namespace VisionFlow.Simulator;

/// <summary>Source-generated log messages of the simulator server.</summary>
internal static partial class SimulatorLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Simulator accept failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);
}

using Microsoft.Extensions.Logging;

namespace VisionFlow.Server.Mcp;

/// <summary>Source-generated log messages of the MCP gateway.</summary>
internal static partial class McpLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "MCP connected: {Server}; telemetry by {Mode}")]
    public static partial void Connected(ILogger logger, string server, string mode);
}

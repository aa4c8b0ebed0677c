using Microsoft.Extensions.Logging;
using VisionFlow.Server.Configuration;

namespace VisionFlow.Server.Hosting;

/// <summary>
/// The lines a new user reads first: where the viewer is, which MCP server the service is about to try, and what to
/// do when there is none (point CLAUDE_FLOW_HOST / MCP_TCP_PORT or the stdio command at it, or try the built-in simulator).
/// </summary>
internal static partial class FirstRun
{
    public static void Explain(ILogger logger, ServerOptions options, EmbeddedSimulator? simulator, IEnumerable<string>? addresses)
    {
        foreach (var address in addresses ?? [])
        {
            Viewer(logger, address.TrimEnd('/') + "/");
        }

        if (simulator is not null)
        {
            Simulated(logger, simulator.Port, simulator.Agents);
        }
        else if (!options.EnableMcp)
        {
            McpOff(logger);
        }
        else if (options.McpCommand is { } command)
        {
            McpCommand(logger, command);
        }
        else
        {
            McpTarget(logger, options.McpHost, options.McpPort);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Viewer: open {Url} in a browser")]
    private static partial void Viewer(ILogger logger, string url);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information,
        Message = "Built-in swarm SIMULATOR on 127.0.0.1:{Port} with {Agents} agents (--simulator): everything it serves is labelled simulated")]
    private static partial void Simulated(ILogger logger, int port, int agents);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information,
        Message = "MCP is off (ENABLE_MCP=false): the viewer shows the knowledge graph only; to see agents, set ENABLE_MCP=true or try visionflow --simulator")]
    private static partial void McpOff(ILogger logger);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information,
        Message = "MCP server: {Host}:{Port} (CLAUDE_FLOW_HOST / MCP_TCP_PORT); if nothing answers there, point those at your Claude Flow MCP bridge, or try VisionFlow without one: visionflow --simulator")]
    private static partial void McpTarget(ILogger logger, string host, int port);

    [LoggerMessage(EventId = 14, Level = LogLevel.Information,
        Message = "MCP server: started as `{Command}` over stdio (VISIONFLOW_MCP_COMMAND / --mcp-command); if it does not start or answer, check that command, or try VisionFlow without one: visionflow --simulator")]
    private static partial void McpCommand(ILogger logger, string command);
}

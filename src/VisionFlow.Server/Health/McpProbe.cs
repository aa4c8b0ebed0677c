using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Link;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Health;

/// <summary>The MCP link as it is: up only while a session is open, disabled when switched off, never claimed otherwise.</summary>
internal sealed class McpProbe(RuntimeStart runtime, ServerOptions options) : ISubsystemProbe
{
    public SubsystemStatus Probe()
    {
        if (runtime.Mcp is not { } mcp)
        {
            // Switched off is known before anything is built.
            return options.EnableMcp ? RuntimeProbe.NotYet("mcp", runtime) : new("mcp", SubsystemState.Disabled, RuntimeProbe.McpDisabled);
        }

        var link = mcp.Link.Status;
        var degradation = mcp.Link.Degradation.Current;
        return link.State switch
        {
            McpLinkState.Disabled => new("mcp", SubsystemState.Disabled, link.Detail),
            McpLinkState.Connected when degradation.Level != DegradationLevel.FullyOperational =>
                new("mcp", SubsystemState.Degraded, $"{link.Detail}; {degradation.LevelName}: {degradation.Message}"),
            McpLinkState.Connected => new("mcp", SubsystemState.Up, link.Detail),
            _ => new("mcp", SubsystemState.Down, link.Detail),
        };
    }
}

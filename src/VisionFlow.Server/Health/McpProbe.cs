using VisionFlow.Server.Mcp;

namespace VisionFlow.Server.Health;

/// <summary>The MCP link as the gateway sees it: up only when a server is connected, never claimed otherwise.</summary>
internal sealed class McpProbe(McpGateway gateway) : ISubsystemProbe
{
    public SubsystemStatus Probe() => gateway.State switch
    {
        McpLinkState.Disabled => new("mcp", SubsystemState.Disabled, gateway.StateDetail),
        McpLinkState.Connected when gateway.Degradation.Current.Level != Connections.Degradation.DegradationLevel.FullyOperational =>
            new("mcp", SubsystemState.Degraded, $"{gateway.StateDetail}; {gateway.Degradation.Current.LevelName}: {gateway.Degradation.Current.Message}"),
        McpLinkState.Connected => new("mcp", SubsystemState.Up, gateway.StateDetail),
        _ => new("mcp", SubsystemState.Down, gateway.StateDetail),
    };
}

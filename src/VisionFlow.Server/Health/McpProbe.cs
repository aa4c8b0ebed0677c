using VisionFlow.Server.Configuration;

namespace VisionFlow.Server.Health;

/// <summary>MCP client state. The client itself is not part of this build yet, so an enabled MCP is reported as down, never as connected.</summary>
internal sealed class McpProbe(ServerOptions options) : ISubsystemProbe
{
    private readonly SubsystemStatus _status = options.EnableMcp
        ? new("mcp", SubsystemState.Down, $"MCP client for {options.McpHost}:{options.McpPort} is not yet part of this build; no agent data is shown")
        : new("mcp", SubsystemState.Disabled, "ENABLE_MCP=false");

    public SubsystemStatus Probe() => _status;
}

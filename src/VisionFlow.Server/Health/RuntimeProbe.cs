using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Health;

/// <summary>What a runtime subsystem's probe says before the runtime is there to ask.</summary>
internal static class RuntimeProbe
{
    /// <summary>The link's own words for a link switched off.</summary>
    public const string McpDisabled = "MCP is disabled (ENABLE_MCP=false)";

    /// <summary>Starting while the runtime comes up after the listener; down, with the reason, when its start failed.</summary>
    public static SubsystemStatus NotYet(string name, RuntimeStart runtime) => runtime.Failure is { } failure
        ? new(name, SubsystemState.Down, $"the runtime failed to start: {failure.Message}")
        : new(name, SubsystemState.Starting, "starting: brought up after the listener (MCP link, knowledge graph, physics device probe, history folder)");
}

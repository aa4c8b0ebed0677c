namespace VisionFlow.Simulator.Model;

/// <summary>How the simulator names itself to clients: a name no real Claude Flow server uses, and the MCP revisions it speaks.</summary>
public static class SimulatorIdentity
{
    /// <summary>The name reported as <c>serverInfo.name</c> and by <c>system.ping</c>: never mistaken for a real Claude Flow server.</summary>
    public const string ServerName = "visionflow-simulator";

    /// <summary>MCP protocol revisions the simulator accepts; it echoes the client's when listed.</summary>
    public static IReadOnlyList<string> SupportedProtocolVersions { get; } = ["2024-11-05", "2025-03-26", "2025-06-18"];
}

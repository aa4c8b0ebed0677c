using VisionFlow.Server.Configuration;
using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Health;

/// <summary>The subsystems <c>/api/health</c> reports, in its order: one list for the host and for the early listener.</summary>
internal static class HealthProbes
{
    public static ISubsystemProbe[] Create(HttpProbe http, RuntimeStart runtime, ServerOptions options) =>
    [
        http,
        new HistoryProbe(runtime),
        new McpProbe(runtime, options),
        new TelemetryProbe(runtime, options),
        new KnowledgeProbe(runtime),
        new PhysicsProbe(runtime),
    ];
}

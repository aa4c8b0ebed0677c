using System.Diagnostics;

namespace VisionFlow.Connections.Diagnostics;

/// <summary>
/// The connections layer's names on the platform's telemetry: its meter (the MCP link, pool, circuit breaker, retries,
/// degradation and MCP calls, see <c>McpLinkInstruments</c>) and its activity source (one client span per MCP
/// request made inside a traced operation, see <see cref="McpCallInvoker"/>).
/// </summary>
public static class ConnectionsTelemetry
{
    /// <summary>The meter's name; its instruments are listed in the README's metrics section.</summary>
    public const string MeterName = "VisionFlow.Connections";

    /// <summary>The activity source's name.</summary>
    public const string ActivitySourceName = "VisionFlow.Connections";

    /// <summary>Starts MCP client spans; without a listener <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null at once.</summary>
    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}

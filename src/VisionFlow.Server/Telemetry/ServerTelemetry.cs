using System.Diagnostics;

namespace VisionFlow.Server.Telemetry;

/// <summary>
/// The server layer's names on the platform's telemetry: its meter (HTTP, <c>/ws</c>, process) and its activity source
/// (one server span per traced HTTP request, see <see cref="HttpServerTracing"/>).
/// </summary>
internal static class ServerTelemetry
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "VisionFlow.Server";

    /// <summary>The activity source's name.</summary>
    public const string ActivitySourceName = "VisionFlow.Server";

    /// <summary>Starts HTTP server spans; without a listener nothing is created.</summary>
    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}

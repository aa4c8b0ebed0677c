using System.Diagnostics;

namespace VisionFlow.Server.Telemetry;

/// <summary>
/// The server layer's activity source: one server span per traced HTTP request (see <see cref="HttpServerTracing"/>).
/// Its meter is <c>ProductMeters.ServerMeterName</c>.
/// </summary>
internal static class ServerTelemetry
{
    /// <summary>The activity source's name.</summary>
    public const string ActivitySourceName = "VisionFlow.Server";

    /// <summary>Starts HTTP server spans; without a listener nothing is created.</summary>
    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}

namespace VisionFlow.Server.Health;

/// <summary>
/// The HTTP surface: up by definition when Kestrel answers the request; starting while the early listener answers for
/// it, before the host is built.
/// </summary>
internal sealed class HttpProbe : ISubsystemProbe
{
    /// <summary>Kestrel's: it is answering this request.</summary>
    public static readonly HttpProbe Serving = new(new("http", SubsystemState.Up, "Kestrel is serving requests"));

    /// <summary>The early listener's, before the host is built (see Hosting/EarlyListener).</summary>
    public static readonly HttpProbe HostStarting = new(new("http", SubsystemState.Starting, "the host is starting: only the health endpoints answer yet"));

    private readonly SubsystemStatus _status;

    private HttpProbe(SubsystemStatus status) => _status = status;

    public SubsystemStatus Probe() => _status;
}

using System.Diagnostics.Metrics;
using VisionFlow.Agents.Diagnostics;
using VisionFlow.Connections.Diagnostics;
using VisionFlow.Physics.Diagnostics;
using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Metrics;

/// <summary>
/// The product's meters, one per layer and named after it (<see cref="Names"/>), made by the host's
/// <see cref="IMeterFactory"/>: so they are disposed with the host, and <c>/metrics</c> of one host reads only its own
/// (tests run several in one process). <c>dotnet-counters</c> and the OpenTelemetry SDK find them by name.
/// </summary>
internal sealed class ProductMeters
{
    /// <summary>The server layer's meter: HTTP, <c>/ws</c>, the process.</summary>
    public const string ServerMeterName = "VisionFlow.Server";

    /// <summary>Every meter the product has (<c>/metrics</c> lists the families in the order the instruments were made).</summary>
    public static readonly string[] Names =
    [
        ServerMeterName,
        ConnectionsTelemetry.MeterName,
        TelemetryIntakeInstruments.MeterName,
        PhysicsInstruments.MeterName,
    ];

    private readonly IMeterFactory _factory;

    public ProductMeters(IMeterFactory factory)
    {
        _factory = factory;
        Server = factory.Create(ServerMeterName, BuildInfo.Version);
        Connections = factory.Create(ConnectionsTelemetry.MeterName, BuildInfo.Version);
        Agents = factory.Create(TelemetryIntakeInstruments.MeterName, BuildInfo.Version);
        Physics = factory.Create(PhysicsInstruments.MeterName, BuildInfo.Version);
    }

    /// <summary>HTTP, <c>/ws</c> and the process.</summary>
    public Meter Server { get; }

    /// <summary>The MCP link: calls, pool, circuit breaker, retries, degradation, link state.</summary>
    public Meter Connections { get; }

    /// <summary>The telemetry intake and the agent cache.</summary>
    public Meter Agents { get; }

    /// <summary>The physics loop.</summary>
    public Meter Physics { get; }

    /// <summary>Whether <paramref name="instrument"/> is one of this host's product instruments.</summary>
    public bool Owns(Instrument instrument) =>
        ReferenceEquals(instrument.Meter.Scope, _factory) && Array.IndexOf(Names, instrument.Meter.Name) >= 0;
}

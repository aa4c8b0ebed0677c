namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Params of <c>telemetry.subscribe</c>: <c>{events, interval_ms}</c>.</summary>
internal sealed record TelemetrySubscribeParams
{
    /// <summary>Event-type globs, e.g. <c>agent.*</c>, <c>message.*</c>, <c>metrics.*</c>.</summary>
    public required IReadOnlyList<string> Events { get; init; }

    /// <summary>Push interval in milliseconds (<c>interval_ms</c>); 100 gives 10 Hz.</summary>
    public int? IntervalMs { get; init; }
}

namespace VisionFlow.Protocol.Contracts.Plain;

/// <summary>Result of <c>telemetry.subscribe</c>.</summary>
internal sealed record TelemetrySubscribeResult
{
    /// <summary>Subscription id, when the server assigns one.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>Globs the server accepted.</summary>
    public IReadOnlyList<string>? Events { get; init; }

    /// <summary>Interval the server will use.</summary>
    public int? IntervalMs { get; init; }
}

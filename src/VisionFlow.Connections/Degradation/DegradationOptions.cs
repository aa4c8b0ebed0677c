namespace VisionFlow.Connections.Degradation;

/// <summary>Settings of <see cref="GracefulDegradationManager"/>; validated once, up front.</summary>
internal sealed record DegradationOptions
{
    /// <summary>Minimum time at a level before a healthy report climbs one level.</summary>
    public TimeSpan RecoveryInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Transitions kept in the history.</summary>
    public int HistoryCapacity { get; init; } = 50;

    /// <summary>Unread changes buffered in <see cref="GracefulDegradationManager.Changes"/>; the oldest is dropped past this.</summary>
    public int ChannelCapacity { get; init; } = 64;

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid setting.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (RecoveryInterval < TimeSpan.Zero) errors.Add($"RecoveryInterval must be >= 0 (was {RecoveryInterval})");
        if (HistoryCapacity < 1) errors.Add($"HistoryCapacity must be >= 1 (was {HistoryCapacity})");
        if (ChannelCapacity < 1) errors.Add($"ChannelCapacity must be >= 1 (was {ChannelCapacity})");
        OptionsErrors.ThrowIfAny(errors, "degradation options");
    }
}

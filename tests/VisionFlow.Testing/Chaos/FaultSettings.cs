namespace VisionFlow.Testing.Chaos;

/// <summary>The faults <see cref="FaultProxy"/> injects; swapped atomically at run time.</summary>
public sealed record FaultSettings
{
    /// <summary>No faults.</summary>
    public static readonly FaultSettings None = new();

    /// <summary>Connection-level behaviour.</summary>
    public FaultMode Mode { get; init; } = FaultMode.None;

    /// <summary>Which direction byte-level faults apply to.</summary>
    public FaultDirection Direction { get; init; } = FaultDirection.Both;

    /// <summary>Delay added to every forwarded chunk.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Extra random delay per chunk, uniform in [0, Jitter].</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>Forward one byte per write (exercises partial-line framing).</summary>
    public bool ByteAtATime { get; init; }

    /// <summary>Flip every bit of every Nth forwarded byte (0 disables).</summary>
    public int CorruptEveryNthByte { get; init; }

    /// <summary>Cap on forwarded bytes per second per direction (0 is unlimited).</summary>
    public long BandwidthBytesPerSecond { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid setting.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (Latency < TimeSpan.Zero) errors.Add($"Latency must be >= 0 (was {Latency})");
        if (Jitter < TimeSpan.Zero) errors.Add($"Jitter must be >= 0 (was {Jitter})");
        if (CorruptEveryNthByte < 0) errors.Add($"CorruptEveryNthByte must be >= 0 (was {CorruptEveryNthByte})");
        if (BandwidthBytesPerSecond < 0) errors.Add($"BandwidthBytesPerSecond must be >= 0 (was {BandwidthBytesPerSecond})");
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid fault settings: " + string.Join("; ", errors));
        }
    }
}

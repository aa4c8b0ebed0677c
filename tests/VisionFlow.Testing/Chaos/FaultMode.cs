namespace VisionFlow.Testing.Chaos;

/// <summary>What <see cref="FaultProxy"/> does with connections as a whole.</summary>
public enum FaultMode
{
    /// <summary>Forward (subject to latency, corruption, bandwidth and byte-at-a-time settings).</summary>
    None,

    /// <summary>Close connections cleanly (FIN): new ones at accept, live ones at once.</summary>
    Drop,

    /// <summary>Abort connections with RST (linger 0): new ones at accept, live ones at once.</summary>
    Reset,

    /// <summary>Accept and read, but forward nothing in either direction.</summary>
    Blackhole,
}

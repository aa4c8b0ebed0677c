namespace VisionFlow.Testing.Chaos;

/// <summary>Which direction the byte-level faults (latency, corruption, bandwidth, byte-at-a-time) apply to.</summary>
public enum FaultDirection
{
    /// <summary>Both directions.</summary>
    Both,

    /// <summary>Client to upstream only.</summary>
    ToUpstream,

    /// <summary>Upstream to client only.</summary>
    ToClient,
}

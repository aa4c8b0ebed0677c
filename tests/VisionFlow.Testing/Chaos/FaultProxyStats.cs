namespace VisionFlow.Testing.Chaos;

/// <summary>An immutable reading of a <see cref="FaultProxy"/>'s counters.</summary>
public sealed record FaultProxyStats(
    long Accepted,
    int Active,
    long Dropped,
    long Reset,
    long BlackholedBytes,
    long BytesToUpstream,
    long BytesToClient,
    long Writes,
    long CorruptedBytes,
    long DelayedChunks,
    int PendingDelays,
    long UpstreamConnectFailures);

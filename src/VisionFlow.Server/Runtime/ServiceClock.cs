namespace VisionFlow.Server.Runtime;

/// <summary>The process's notion of "since when"; goes through <see cref="TimeProvider"/> so tests can move time.</summary>
internal sealed class ServiceClock(TimeProvider time)
{
    private readonly long _startTimestamp = time.GetTimestamp();

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public TimeSpan Uptime => time.GetElapsedTime(_startTimestamp);
}

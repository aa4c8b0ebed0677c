namespace VisionFlow.History.Model;

/// <summary>Moments as the format keeps them: microseconds since the Unix epoch, UTC.</summary>
public static class Micros
{
    /// <summary>Microseconds since the Unix epoch of <paramref name="time"/>.</summary>
    public static long From(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    /// <summary>The moment <paramref name="micros"/> microseconds after the Unix epoch (UTC).</summary>
    public static DateTimeOffset ToTime(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);
}

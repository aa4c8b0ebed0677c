namespace VisionFlow.Testing;

/// <summary>Waits in real time, bounded, for a condition a test cannot be told about (another thread's or process's progress).</summary>
public static class Eventually
{
    /// <summary>
    /// Polls <paramref name="condition"/> every <paramref name="pollMilliseconds"/> until it holds; after
    /// <paramref name="patience"/> throws a <see cref="TimeoutException"/> naming <paramref name="what"/>.
    /// </summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan patience, int pollMilliseconds = 5)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"never saw {what}");
            }

            await Task.Delay(pollMilliseconds).ConfigureAwait(false);
        }
    }
}

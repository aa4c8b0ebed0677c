namespace VisionFlow.Testing;

/// <summary>
/// Waits in real time, bounded, for a condition a test cannot be told about (another thread's or process's progress):
/// the one waiting loop of the test projects. On time-out it throws a <see cref="TimeoutException"/> naming what it
/// waited for and, when the caller says how, what it saw last.
/// </summary>
public static class Eventually
{
    /// <summary>
    /// Polls <paramref name="condition"/> every <paramref name="pollMilliseconds"/> until it holds; after
    /// <paramref name="patience"/> throws a <see cref="TimeoutException"/> naming <paramref name="what"/> (and
    /// <paramref name="seen"/>'s account of the last state).
    /// </summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan patience, int pollMilliseconds = 5, Func<string>? seen = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), what, patience, pollMilliseconds, seen);
    }

    /// <summary>As <see cref="UntilAsync(Func{bool}, string, TimeSpan, int, Func{string}?)"/>, for a condition that has to ask (HTTP, a socket).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan patience, int pollMilliseconds = 5, Func<string>? seen = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        await FindAsync(async () => await condition().ConfigureAwait(false) ? what : null, what, patience, pollMilliseconds, seen).ConfigureAwait(false);
    }

    /// <summary>Polls <paramref name="find"/> until it returns something and returns that; otherwise as <see cref="UntilAsync(Func{bool}, string, TimeSpan, int, Func{string}?)"/>.</summary>
    public static Task<T> FindAsync<T>(Func<T?> find, string what, TimeSpan patience, int pollMilliseconds = 5, Func<string>? seen = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(find);
        return FindAsync(() => Task.FromResult(find()), what, patience, pollMilliseconds, seen);
    }

    /// <summary>As <see cref="FindAsync{T}(Func{T?}, string, TimeSpan, int, Func{string}?)"/>, for a search that has to ask.</summary>
    public static async Task<T> FindAsync<T>(Func<Task<T?>> find, string what, TimeSpan patience, int pollMilliseconds = 5, Func<string>? seen = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(find);
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            if (await find().ConfigureAwait(false) is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(seen is null ? $"never saw {what}" : $"never saw {what}; last seen: {seen()}");
            }

            await Task.Delay(pollMilliseconds).ConfigureAwait(false);
        }
    }
}

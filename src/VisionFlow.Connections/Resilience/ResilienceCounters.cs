using VisionFlow.Connections.Failures;
using Polly;
using Polly.CircuitBreaker;

namespace VisionFlow.Connections.Resilience;

/// <summary>Lock-free counters the metrics strategy and the retry callback write, and snapshots read.</summary>
internal sealed class ResilienceCounters(int maxAttempts, TimeProvider time)
{
    /// <summary>Attempts made by the current call, set by the retry callback (absent means one attempt).</summary>
    public static readonly ResiliencePropertyKey<int> AttemptsKey = new("visionflow.attempts");

    private long _total;
    private long _successful;
    private long _failed;
    private long _rejected;
    private long _applicationErrors;
    private long _attempts;
    private long _retries;
    private long _successfulRetries;
    private long _failedRetries;
    private long _maxAttemptsReached;
    private long _lastSuccessTicks;
    private long _successTicksSum;

    public TimeProvider Time => time;

    public void Record(Exception? exception, ResilienceContext context, long startTimestamp)
    {
        var attempts = context.Properties.TryGetValue(AttemptsKey, out var a) ? a : 1;
        Interlocked.Increment(ref _total);
        Interlocked.Add(ref _attempts, attempts);
        if (attempts > 1)
        {
            Interlocked.Add(ref _retries, attempts - 1);
        }

        // An answer from the server (not found, invalid arguments, a tool's refusal) is a round trip that worked: the
        // link's statistics (and the tuning that reads them) count only the link's own failures.
        var answered = exception is not null && FailureClassifier.IsAnswer(exception);
        if (exception is null || answered)
        {
            Interlocked.Increment(ref _successful);
            Interlocked.Add(ref _successTicksSum, time.GetElapsedTime(startTimestamp).Ticks);
            Interlocked.Exchange(ref _lastSuccessTicks, time.GetUtcNow().UtcTicks);
            if (answered)
            {
                Interlocked.Increment(ref _applicationErrors);
            }

            if (attempts > 1)
            {
                Interlocked.Increment(ref _successfulRetries);
            }

            return;
        }

        Interlocked.Increment(ref _failed);
        if (exception is BrokenCircuitException)
        {
            Interlocked.Increment(ref _rejected);
        }

        if (attempts > 1)
        {
            Interlocked.Increment(ref _failedRetries);
        }

        if (attempts >= maxAttempts && maxAttempts > 1)
        {
            Interlocked.Increment(ref _maxAttemptsReached);
        }
    }

    public RetryStats GetRetryStats()
    {
        var total = Interlocked.Read(ref _total);
        return new RetryStats(
            Interlocked.Read(ref _retries),
            Interlocked.Read(ref _successfulRetries),
            Interlocked.Read(ref _failedRetries),
            total == 0 ? null : (double)Interlocked.Read(ref _attempts) / total,
            Interlocked.Read(ref _maxAttemptsReached));
    }

    public RequestStats GetRequestStats()
    {
        var ok = Interlocked.Read(ref _successful);
        var last = Interlocked.Read(ref _lastSuccessTicks);
        return new RequestStats(
            Interlocked.Read(ref _total),
            ok,
            Interlocked.Read(ref _failed),
            Interlocked.Read(ref _rejected),
            Interlocked.Read(ref _applicationErrors),
            last == 0 ? null : new DateTimeOffset(last, TimeSpan.Zero),
            ok == 0 ? 0 : TimeSpan.FromTicks(Interlocked.Read(ref _successTicksSum) / ok).TotalMilliseconds);
    }
}

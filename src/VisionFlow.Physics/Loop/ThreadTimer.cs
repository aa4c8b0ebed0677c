using System.Diagnostics;

namespace VisionFlow.Physics.Loop;

/// <summary>
/// An <see cref="ITimer"/> with a thread of its own: the callback runs on that thread, which sleeps in a timed wait
/// between ticks, so a tick costs one thread wake-up. The physics loop's clock on the system clock.
/// </summary>
/// <remarks>
/// A <see cref="System.Threading.Timer"/> tick is three hand-offs: the runtime's timer thread wakes, queues the callback
/// to the thread pool and wakes a worker, and that worker wakes the timer thread again to set the next due time. At
/// 60 Hz that was ~180 thread wake-ups a second of the service at ten agents (perf, sched_waking: "TimerQueue" and
/// "RequestWorker" stacks), for a step of microseconds. The loop's ticks never overlap anyway (a tick that overran is
/// skipped), so one thread that runs them in turn loses nothing. Parked (an infinite due time) it waits with no timeout.
/// </remarks>
internal sealed class ThreadTimer : ITimer
{
    private readonly object _gate = new(); // a monitor: the thread waits on it for the due time or a change
    private readonly TimerCallback _callback;
    private readonly object? _state;
    private readonly Thread _thread;
    private long _due = long.MaxValue; // Stopwatch timestamp of the next tick; long.MaxValue: none
    private long _period; // Stopwatch ticks; 0: one-shot
    private bool _disposed;

    public ThreadTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period, string name)
    {
        _callback = callback;
        _state = state;
        Set(dueTime, period);
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <inheritdoc />
    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            if (_disposed) return false;
            Set(dueTime, period);
            Monitor.PulseAll(_gate);
            return true;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    // Under the gate (or in the constructor).
    private void Set(TimeSpan dueTime, TimeSpan period)
    {
        _due = dueTime == Timeout.InfiniteTimeSpan ? long.MaxValue : Stopwatch.GetTimestamp() + Ticks(dueTime);
        _period = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? 0 : Ticks(period);
    }

    private static long Ticks(TimeSpan span) => (long)(Math.Max(0, span.TotalSeconds) * Stopwatch.Frequency);

    private void Run()
    {
        while (true)
        {
            lock (_gate)
            {
                while (true)
                {
                    if (_disposed) return;
                    var now = Stopwatch.GetTimestamp();
                    if (_due == long.MaxValue)
                    {
                        Monitor.Wait(_gate);
                        continue;
                    }

                    if (now >= _due)
                    {
                        // The next tick one period after this one was due, not after it ran: the rate holds on average.
                        // A tick that came too late (a busy machine) is not caught up with a burst of ticks.
                        _due = _period == 0 ? long.MaxValue : Math.Max(_due + _period, now + (_period / 2));
                        break;
                    }

                    // Whole milliseconds, rounded up: never early, at most a millisecond late.
                    var wait = (int)Math.Min(int.MaxValue, ((_due - now) * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency);
                    Monitor.Wait(_gate, wait);
                }
            }

            _callback(_state);
        }
    }
}

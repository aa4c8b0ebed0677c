using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace VisionFlow.Connections.Tests;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows which timers are armed, so a test moves time on only to a moment the code
/// under test is already waiting for (a backoff, an attempt's bound, a ping's deadline, a poll), never by a guessed step
/// with a real sleep to let the code catch up: a busy machine changes how long a step takes, never what it does.
/// </summary>
internal sealed class LinkClock : TimeProvider
{
    private readonly ConcurrentDictionary<Armed, byte> _armed = new();

    public FakeTimeProvider Fake { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var armed = new Armed(this, state);
        armed.Inner = Fake.CreateTimer(static s => ((Armed)s!).Fire(), armed, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        armed.Callback = callback;
        armed.Change(dueTime, period);
        return armed;
    }

    /// <summary>Moves the clock on by <paramref name="by"/> (firing every timer due meanwhile, in order).</summary>
    public void Advance(TimeSpan by) => Fake.Advance(by);

    /// <summary>An armed timer matching <paramref name="match"/> (the earliest due), or null.</summary>
    public Armed? Pending(Func<Armed, bool> match) =>
        _armed.Keys.Where(t => t.Due is not null && match(t)).OrderBy(t => t.Due).FirstOrDefault();

    /// <summary>
    /// Waits (real time, bounded) until a timer matching <paramref name="match"/> is armed, then moves the clock to when
    /// it is due; returns that moment.
    /// </summary>
    public async Task<DateTimeOffset> FireAsync(Func<Armed, bool> match, string what)
    {
        DateTimeOffset? due = null;
        await VisionFlow.Testing.Eventually.UntilAsync(() => (due = Pending(match)?.Due) is not null, what + " armed", TimeSpan.FromSeconds(20));
        var by = due!.Value - GetUtcNow();
        if (by > TimeSpan.Zero)
        {
            Advance(by);
        }

        return due.Value;
    }

    /// <summary>A timer the code under test created, while it is armed.</summary>
    internal sealed class Armed(LinkClock owner, object? state) : ITimer
    {
        private readonly Lock _gate = new();

        public ITimer Inner { get; set; } = null!;

        public TimerCallback Callback { get; set; } = null!;

        /// <summary>What the timer belongs to (the state it was created with: the owner object, a task, a token source).</summary>
        public object? State { get; } = state;

        /// <summary>When it fires next; null while disarmed.</summary>
        public DateTimeOffset? Due { get; private set; }

        /// <summary>The due time it was last armed with.</summary>
        public TimeSpan Length { get; private set; }

        /// <summary>Its period; infinite for a one-shot timer.</summary>
        public TimeSpan Period { get; private set; } = Timeout.InfiniteTimeSpan;

        /// <summary>A cancellation token source's timer (a timeout), rather than a delay or a component's own timer.</summary>
        public bool IsTimeout => State is CancellationTokenSource;

        /// <summary>A <c>Task.Delay</c> (a backoff or a poll's wait).</summary>
        public bool IsDelay => State is Task;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_gate)
            {
                Length = dueTime;
                Period = period;
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner.GetUtcNow() + dueTime;
                if (Due is null)
                {
                    owner._armed.TryRemove(this, out _);
                }
                else
                {
                    owner._armed[this] = 0;
                }

                return Inner.Change(dueTime, period);
            }
        }

        public void Dispose()
        {
            owner._armed.TryRemove(this, out _);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }

        public override string ToString() => $"{State?.GetType().Name ?? "timer"} {Length.TotalMilliseconds:0} ms due {Due:O}";

        internal void Fire()
        {
            lock (_gate)
            {
                Due = Period == Timeout.InfiniteTimeSpan || Period == TimeSpan.Zero ? null : owner.GetUtcNow() + Period;
                if (Due is null)
                {
                    owner._armed.TryRemove(this, out _);
                }
            }

            Callback(State);
        }
    }
}

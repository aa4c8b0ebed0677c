using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace VisionFlow.Connections.Tests;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports every timer created, so a test can advance time exactly when the code
/// under test has started waiting (no race between "the code registers a delay" and "the test advances the clock").
/// </summary>
internal sealed class SignallingTimeProvider : TimeProvider
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public FakeTimeProvider Fake { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Fake.CreateTimer(callback, state, dueTime, period);
        Signal(dueTime);
        return new SignallingTimer(timer, this);
    }

    private void Signal(TimeSpan dueTime)
    {
        if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            _timers.Writer.TryWrite(dueTime);
        }
    }

    /// <summary>Reports re-arming too: pooled cancellation sources arm their timer with Change, not at creation.</summary>
    private sealed class SignallingTimer(ITimer inner, SignallingTimeProvider owner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            owner.Signal(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    public void Advance(TimeSpan by) => Fake.Advance(by);

    /// <summary>Waits (real time, generous bound) until the code under test creates a timer with the given due time.</summary>
    public async Task<TimeSpan> NextTimerAsync(Func<TimeSpan, bool>? match = null)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var due = await _timers.Reader.ReadAsync(cts.Token);
            if (match is null || match(due))
            {
                return due;
            }
        }
    }
}

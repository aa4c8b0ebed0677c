namespace VisionFlow.Physics.Loop;

/// <summary>
/// The loop's clock: ticks at the performance mode's period while the layout moves, and parks (no timer armed at all)
/// while it rests, so a settled layout costs no wake-ups; handing in a change wakes it.
/// </summary>
/// <remarks>
/// Parking and waking take one lock, and whether work is waiting is asked inside it: a change handed in while the tick
/// decides to park either is seen by that decision or finds the timer parked and wakes it, so none is left waiting.
/// </remarks>
internal sealed class TickTimer(TimeProvider time, Func<bool> hasWork) : IDisposable
{
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private TimeSpan _period;
    private bool _parked;
    private bool _disposed;

    /// <summary>Started and not disposed (parked counts as running: it wakes on demand).</summary>
    public bool Running
    {
        get
        {
            lock (_gate)
            {
                return _timer is not null && !_disposed;
            }
        }
    }

    /// <summary>No tick is due until something wakes the timer.</summary>
    public bool Parked
    {
        get
        {
            lock (_gate)
            {
                return _parked;
            }
        }
    }

    /// <summary>Starts ticking every <paramref name="period"/>; false when already started or disposed.</summary>
    public bool Start(TimerCallback tick, object state, TimeSpan period)
    {
        lock (_gate)
        {
            if (_timer is not null || _disposed) return false;
            _period = period;
            // On the system clock a thread of its own (one wake-up a tick, see ThreadTimer); any other clock (a fake one in
            // tests) drives the same ticks through its own timers.
            _timer = ReferenceEquals(time, TimeProvider.System)
                ? new ThreadTimer(tick, state, period, period, "VisionFlow tick")
                : time.CreateTimer(tick, state, period, period);
            return true;
        }
    }

    /// <summary>Changes the period; a parked timer keeps resting and ticks at the new period once woken.</summary>
    public void SetPeriod(TimeSpan period)
    {
        lock (_gate)
        {
            _period = period;
            if (!_parked && !_disposed) _timer?.Change(period, period);
        }
    }

    /// <summary>Stops ticking unless work is waiting; true when parked.</summary>
    public bool TryPark()
    {
        lock (_gate)
        {
            if (_timer is null || _disposed || hasWork()) return false;
            if (!_parked)
            {
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _parked = true;
            }

            return true;
        }
    }

    /// <summary>Ticks again from one period on, if parked.</summary>
    public void Wake()
    {
        lock (_gate)
        {
            if (!_parked || _disposed) return;
            _parked = false;
            _timer!.Change(_period, _period);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _timer?.Dispose();
        }
    }
}

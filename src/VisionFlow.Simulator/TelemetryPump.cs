using VisionFlow.Simulator.Model;

namespace VisionFlow.Simulator;

/// <summary>
/// Drives a <see cref="SwarmSimulator"/> from a <see cref="TimeProvider"/> timer at its telemetry rate: each tick
/// advances the simulation by the time that really passed (capped) and hands the frame to <c>onFrame</c>, which
/// copies it to subscribers with <see cref="SwarmSimulator.WriteFrame"/>. A tick that overlaps a running one is skipped.
/// </summary>
public sealed class TelemetryPump : IDisposable
{
    private static readonly TimeSpan MaxStep = TimeSpan.FromSeconds(1);
    private readonly SwarmSimulator _simulator;
    private readonly TimeProvider _time;
    private readonly Action<SwarmSimulator> _onFrame;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private long _lastTimestamp;
    private int _running;
    private bool _disposed;
    private long _frames;
    private long _skipped;

    /// <summary>Creates a stopped pump.</summary>
    public TelemetryPump(SwarmSimulator simulator, TimeProvider timeProvider, Action<SwarmSimulator> onFrame)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(onFrame);
        _simulator = simulator;
        _time = timeProvider;
        _onFrame = onFrame;
    }

    /// <summary>Frames produced so far.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Ticks skipped because the previous frame was still being produced or delivered.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Starts ticking at the simulator's <see cref="SimulatorOptions.TickInterval"/>.</summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_timer is not null)
            {
                return;
            }

            var interval = _simulator.Options.TickInterval;
            _lastTimestamp = _time.GetTimestamp();
            _timer = _time.CreateTimer(static state => ((TelemetryPump)state!).OnTick(), this, interval, interval);
        }
    }

    private void OnTick()
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            Interlocked.Increment(ref _skipped);
            return;
        }

        try
        {
            var now = _time.GetTimestamp();
            var elapsed = _time.GetElapsedTime(_lastTimestamp, now);
            _lastTimestamp = now;
            _simulator.Advance(elapsed > MaxStep ? MaxStep : elapsed);
            Interlocked.Increment(ref _frames);
            _onFrame(_simulator);
        }
        finally
        {
            Interlocked.CompareExchange(ref _running, 0, 1);
        }
    }

    /// <summary>Stops the timer; a frame in progress completes.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
        }
    }
}

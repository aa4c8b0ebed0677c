using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;
using VisionFlow.Connections.Failures;

namespace VisionFlow.Connections.Resilience;

/// <summary>
/// A consecutive-failure circuit breaker (the MCP integration design's semantics): N transient failures in a row open
/// it; after the break duration exactly one probe is let through (half-open); the probe's success closes it, its
/// failure re-opens it.
/// </summary>
/// <remarks>
/// Why not Polly's own breaker: Polly's is ratio-based over a sampling window (FailureRatio, MinimumThroughput,
/// SamplingDuration). Configured as ratio 1.0 / throughput 5 it opens on "five failures from a clean window", but a
/// single success anywhere in the window keeps it closed through any number of later failures, and the threshold
/// cannot change after the pipeline is built (the adaptive tuner lowers it to 3). It also allocates a new
/// <see cref="BrokenCircuitException"/> per rejection. This breaker is a Polly strategy in the same pipeline, uses
/// Polly's <see cref="CircuitState"/> and exception types, reads its threshold live from <see cref="ResilienceTuning"/>,
/// and rejects with one exception instance per open period, so a rejection allocates nothing. That shared instance is
/// why its stack trace is not meaningful; <see cref="BrokenCircuitException.RetryAfter"/> is the full break duration.
/// </remarks>
internal sealed partial class McpCircuitBreaker
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly ResilienceTuning _tuning;
    private readonly TimeSpan _breakDuration;
    private readonly ILogger _logger;
    private readonly IsolatedCircuitException _isolated = new("The circuit is manually isolated");
    private volatile int _state; // CircuitState as int, written under _lock
    private int _consecutiveFailures;
    private bool _probeInFlight;
    private volatile bool _breakElapsed;
    private ITimer? _breakTimer;
    private long _openGeneration;
    private DateTimeOffset _stateSince;
    private BrokenCircuitException _rejection;
    private long _failures;
    private long _successes;
    private long _trips;
    private long _recoveries;
    private long _rejected;

    /// <summary>Creates a closed breaker.</summary>
    public McpCircuitBreaker(ResilienceTuning tuning, TimeSpan breakDuration, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(tuning);
        ArgumentOutOfRangeException.ThrowIfLessThan(breakDuration, TimeSpan.FromMilliseconds(1));
        _tuning = tuning;
        _breakDuration = breakDuration;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _stateSince = _time.GetUtcNow();
        _rejection = new BrokenCircuitException("The circuit is open", breakDuration);
        _state = (int)CircuitState.Closed;
    }

    /// <summary>Raised after every state change (outside the breaker's lock), with the new state.</summary>
    public event Action<CircuitState>? StateChanged;

    /// <summary>The state now; an open circuit whose break has elapsed reads as half-open (the next call is the probe).</summary>
    public CircuitState State
    {
        get
        {
            var s = (CircuitState)_state;
            return s == CircuitState.Open && _breakElapsed ? CircuitState.HalfOpen : s;
        }
    }

    /// <summary>The break duration after a trip.</summary>
    public TimeSpan BreakDuration => _breakDuration;

    /// <summary>Opens the circuit until <see cref="CloseAsync"/>: every call is rejected with <see cref="IsolatedCircuitException"/>.</summary>
    public ValueTask IsolateAsync()
    {
        Transition(CircuitState.Isolated, reason: "manual isolate");
        return default;
    }

    /// <summary>Closes the circuit and clears the failure count.</summary>
    public ValueTask CloseAsync()
    {
        Transition(CircuitState.Closed, reason: "manual close");
        return default;
    }

    /// <summary>A reading of state and counters.</summary>
    public CircuitBreakerStats GetStats()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            return new CircuitBreakerStats(
                State,
                _consecutiveFailures,
                _tuning.Current.FailureThreshold,
                Interlocked.Read(ref _failures),
                Interlocked.Read(ref _successes),
                Interlocked.Read(ref _trips),
                Interlocked.Read(ref _recoveries),
                Interlocked.Read(ref _rejected),
                _stateSince,
                now - _stateSince);
        }
    }

    /// <summary>Admits a call, or returns the exception to reject it with. <paramref name="isProbe"/> marks the half-open probe.</summary>
    internal Exception? TryEnter(out bool isProbe)
    {
        isProbe = false;
        var state = (CircuitState)_state;
        if (state == CircuitState.Closed)
        {
            return null;
        }

        if (state == CircuitState.Isolated)
        {
            Interlocked.Increment(ref _rejected);
            return _isolated;
        }

        // The break's end is flagged by a one-shot timer, so rejecting reads no clock (25-130 ns on our VMs, more than the rest of a rejection).
        if (state == CircuitState.Open && !_breakElapsed)
        {
            Interlocked.Increment(ref _rejected);
            return _rejection;
        }

        Exception? reject = null;
        var changed = false;
        lock (_lock)
        {
            state = (CircuitState)_state;
            if (state == CircuitState.Closed)
            {
                return null;
            }

            if (state == CircuitState.Open && _breakElapsed)
            {
                SetState_NeedsLock(CircuitState.HalfOpen);
                changed = true;
                state = CircuitState.HalfOpen;
            }

            if (state == CircuitState.HalfOpen && !_probeInFlight)
            {
                _probeInFlight = true;
                isProbe = true;
            }
            else
            {
                reject = state == CircuitState.Isolated ? _isolated : _rejection;
            }
        }

        if (changed)
        {
            LogStateChanged(_logger, CircuitState.HalfOpen, "break elapsed");
            StateChanged?.Invoke(CircuitState.HalfOpen);
        }

        if (reject is not null)
        {
            Interlocked.Increment(ref _rejected);
        }

        return reject;
    }

    /// <summary>Records an outcome that proves the link works (a result, or an application error from the server).</summary>
    internal void OnSuccess(bool isProbe)
    {
        Interlocked.Increment(ref _successes);
        if (!isProbe)
        {
            if (Volatile.Read(ref _consecutiveFailures) != 0)
            {
                lock (_lock)
                {
                    _consecutiveFailures = 0;
                }
            }

            return;
        }

        Interlocked.Increment(ref _recoveries);
        Transition(CircuitState.Closed, reason: "probe succeeded", fromProbe: true);
    }

    /// <summary>Records a transient failure.</summary>
    internal void OnFailure(bool isProbe, Exception exception)
    {
        Interlocked.Increment(ref _failures);
        var trip = false;
        lock (_lock)
        {
            if (isProbe)
            {
                _probeInFlight = false;
                if ((CircuitState)_state == CircuitState.HalfOpen)
                {
                    trip = true;
                }
            }
            else if ((CircuitState)_state == CircuitState.Closed)
            {
                _consecutiveFailures++;
                trip = _consecutiveFailures >= _tuning.Current.FailureThreshold;
            }

            if (trip)
            {
                Open_NeedsLock(exception);
            }
        }

        if (trip)
        {
            LogStateChanged(_logger, CircuitState.Open, (isProbe ? "probe failed: " : "failure threshold reached: ") + FailureClassifier.Classify(exception).Message);
            StateChanged?.Invoke(CircuitState.Open);
        }
    }

    /// <summary>A probe that ended without a verdict (the caller cancelled): let the next call probe instead.</summary>
    internal void OnAbandoned(bool isProbe)
    {
        if (isProbe)
        {
            lock (_lock)
            {
                _probeInFlight = false;
            }
        }
    }

    private void Open_NeedsLock(Exception? cause)
    {
        _openGeneration++;
        _breakElapsed = false;
        _breakTimer?.Dispose();
        _breakTimer = _time.CreateTimer(
            static s => ((BreakTimer)s!).Fire(),
            new BreakTimer(this, _openGeneration),
            _breakDuration,
            Timeout.InfiniteTimeSpan);
        _rejection = cause is null
            ? new BrokenCircuitException("The circuit is open", _breakDuration)
            : new BrokenCircuitException("The circuit is open", _breakDuration, cause);
        _trips++;
        SetState_NeedsLock(CircuitState.Open);
    }

    private void Transition(CircuitState target, string reason, bool fromProbe = false)
    {
        lock (_lock)
        {
            if (fromProbe && (CircuitState)_state != CircuitState.HalfOpen)
            {
                return; // a manual change won the race with the probe
            }

            _consecutiveFailures = 0;
            _probeInFlight = false;
            if ((CircuitState)_state == target)
            {
                return;
            }

            SetState_NeedsLock(target);
        }

        LogStateChanged(_logger, target, reason);
        StateChanged?.Invoke(target);
    }

    private void SetState_NeedsLock(CircuitState state)
    {
        _state = (int)state;
        _stateSince = _time.GetUtcNow();
        if (state is CircuitState.Closed or CircuitState.Isolated)
        {
            _breakTimer?.Dispose();
            _breakTimer = null;
            _breakElapsed = false;
        }
    }

    private void OnBreakElapsed(long generation)
    {
        lock (_lock)
        {
            if (generation == _openGeneration && (CircuitState)_state == CircuitState.Open)
            {
                _breakElapsed = true;
            }
        }
    }

    private sealed class BreakTimer(McpCircuitBreaker owner, long generation)
    {
        public void Fire() => owner.OnBreakElapsed(generation);
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "MCP circuit breaker {State}: {Reason}")]
    private static partial void LogStateChanged(ILogger logger, CircuitState state, string reason);
}

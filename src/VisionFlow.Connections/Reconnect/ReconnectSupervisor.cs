using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Pooling;
using VisionFlow.Connections.Resilience;

namespace VisionFlow.Connections.Reconnect;

/// <summary>
/// Re-establishes the MCP link after it is lost: a few quick attempts at a fixed delay, then probing with capped
/// exponential backoff for as long as it takes (it never gives up for good). Probes dial directly, bypassing the
/// circuit breaker (they are how the breaker's server comes back), and a successful reconnect closes the breaker and
/// raises <see cref="Reconnected"/> so subscriptions (telemetry) can be re-established.
/// </summary>
public sealed class ReconnectSupervisor : IAsyncDisposable
{
    private readonly Func<CancellationToken, ValueTask> _connect;
    private readonly ReconnectOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly McpCircuitBreaker? _breaker;
    private readonly GracefulDegradationManager? _degradation;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private Task _loop = Task.CompletedTask;
    private ReconnectState _state = ReconnectState.Connected;
    private long _disconnects;
    private long _attempts;
    private long _failed;
    private long _reconnections;
    private DateTimeOffset? _downSince;
    private DateTimeOffset? _lastReconnect;
    private string? _lastError;

    /// <summary>Creates a supervisor that calls <paramref name="connect"/> (the token fires at the attempt's bound) to re-establish the link.</summary>
    public ReconnectSupervisor(
        Func<CancellationToken, ValueTask> connect,
        ReconnectOptions options,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        McpCircuitBreaker? breaker = null,
        GracefulDegradationManager? degradation = null)
    {
        ArgumentNullException.ThrowIfNull(connect);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _connect = connect;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _breaker = breaker;
        _degradation = degradation;
    }

    /// <summary>Raised once the link is back (outside any lock, on the supervisor's loop).</summary>
    public event Action<ReconnectedInfo>? Reconnected;

    /// <summary>Raised after each failed attempt, with the attempt number (1-based).</summary>
    public event Action<Exception, int>? AttemptFailed;

    /// <summary>The state now.</summary>
    public ReconnectState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>The loop in progress (completed when connected); lets callers and tests await the outcome.</summary>
    public Task Current
    {
        get
        {
            lock (_lock)
            {
                return _loop;
            }
        }
    }

    /// <summary>
    /// Reports the link lost and starts reconnecting unless already doing so. Returns at once: it never waits on the
    /// dying connection's in-flight work (the engine fails that work itself).
    /// </summary>
    public void ConnectionLost(Exception? cause = null)
    {
        lock (_lock)
        {
            if (_state is ReconnectState.Reconnecting or ReconnectState.Probing or ReconnectState.Stopped)
            {
                return;
            }

            _state = ReconnectState.Reconnecting;
            _disconnects++;
            _downSince = _time.GetUtcNow();
            _lastError = cause?.Message;
            _loop = Task.Run(RunAsync);
        }

        Log.Lost(_logger, cause?.Message ?? "", cause);
        if (cause is not null)
        {
            _degradation?.HandleFailure(cause);
        }
    }

    /// <summary>A reading of state and counters.</summary>
    public ReconnectStats GetStats()
    {
        lock (_lock)
        {
            return new ReconnectStats(_state, _disconnects, _attempts, _failed, _reconnections, _downSince, _lastReconnect, _lastError);
        }
    }

    /// <summary>Probe delay after attempt <paramref name="attempt"/> (1-based) failed.</summary>
    public TimeSpan DelayAfter(int attempt)
    {
        if (attempt < _options.Attempts)
        {
            return _options.Delay;
        }

        var exponent = attempt - _options.Attempts + 1;
        var ms = _options.Delay.TotalMilliseconds * Math.Pow(_options.ProbeBackoffMultiplier, exponent);
        return TimeSpan.FromMilliseconds(Math.Min(ms, _options.MaxProbeDelay.TotalMilliseconds));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Task loop;
        lock (_lock)
        {
            _state = ReconnectState.Stopped;
            loop = _loop;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopped while waiting between attempts
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var stop = _stopping.Token;
        var bound = _options.FirstAttemptTimeout < _options.ConnectTimeout ? _options.FirstAttemptTimeout : _options.ConnectTimeout;
        for (var attempt = 1; !stop.IsCancellationRequested; attempt++)
        {
            Interlocked.Increment(ref _attempts);
            Exception? failure = null;
            using (var timeout = new CancellationTokenSource(bound, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token))
            {
                try
                {
                    await _connect(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
                {
                    failure = new ConnectException($"Reconnect attempt timed out after {bound.TotalMilliseconds:0} ms", ex);
                    bound = TimeSpan.FromTicks(Math.Min(bound.Ticks * 2, _options.ConnectTimeout.Ticks));
                }
#pragma warning disable CA1031 // every connect failure is recorded and retried
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    failure = ex;
                }
            }

            if (failure is null)
            {
                await OnConnectedAsync(attempt).ConfigureAwait(false);
                return;
            }

            Interlocked.Increment(ref _failed);
            bool startedProbing;
            lock (_lock)
            {
                _lastError = failure.Message;
                startedProbing = attempt == _options.Attempts && _state == ReconnectState.Reconnecting;
                if (startedProbing)
                {
                    _state = ReconnectState.Probing;
                }
            }

            Log.AttemptFailed(_logger, attempt, failure.Message, null);
            if (startedProbing)
            {
                Log.Probing(_logger, attempt, null);
            }

            AttemptFailed?.Invoke(failure, attempt);
            await Task.Delay(DelayAfter(attempt), _time, stop).ConfigureAwait(false);
        }
    }

    private async Task OnConnectedAsync(int attempt)
    {
        ReconnectedInfo info;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            info = new ReconnectedInfo(attempt, now - (_downSince ?? now), _state == ReconnectState.Probing, now);
            _state = ReconnectState.Connected;
            _reconnections++;
            _lastReconnect = now;
            _downSince = null;
            _lastError = null;
        }

        if (_breaker is not null && _breaker.State != Polly.CircuitBreaker.CircuitState.Closed)
        {
            await _breaker.CloseAsync().ConfigureAwait(false); // the server answered a fresh connect: let traffic through now
        }

        Log.Reconnected(_logger, attempt, info.Downtime.TotalMilliseconds, null);
        Reconnected?.Invoke(info);
    }

    private static class Log
    {
        public static readonly Action<ILogger, string, Exception?> Lost =
            LoggerMessage.Define<string>(LogLevel.Warning, new EventId(2401, "McpLinkLost"), "MCP link lost: {Error}");

        public static readonly Action<ILogger, int, string, Exception?> AttemptFailed =
            LoggerMessage.Define<int, string>(LogLevel.Warning, new EventId(2402, "McpReconnectFailed"), "MCP reconnect attempt {Attempt} failed: {Error}");

        public static readonly Action<ILogger, int, Exception?> Probing =
            LoggerMessage.Define<int>(LogLevel.Error, new EventId(2403, "McpProbing"), "MCP reconnect: {Attempts} attempts failed, probing with backoff until the server returns");

        public static readonly Action<ILogger, int, double, Exception?> Reconnected =
            LoggerMessage.Define<int, double>(LogLevel.Information, new EventId(2404, "McpReconnected"), "MCP reconnected after {Attempts} attempts, down {DowntimeMs} ms");
    }
}

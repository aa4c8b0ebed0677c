using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VisionFlow.Connections.Failures;

namespace VisionFlow.Connections.Health;

/// <summary>Pings the MCP server periodically through a supplied delegate and turns the results into a status, latency and score.</summary>
internal sealed partial class McpHealthChecker : IAsyncDisposable
{
    private readonly Func<CancellationToken, ValueTask> _ping;
    private readonly HealthCheckerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly bool[] _window;
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _timer;
    private bool _disposed;
    private int _checking;
    private int _windowCount;
    private int _windowNext;
    private int _windowPasses;
    private HealthStatus _status;
    private int _consecutiveSuccesses;
    private int _consecutiveFailures;
    private long _total;
    private long _passed;
    private double _ewmaMs;
    private double _lastMs;
    private DateTimeOffset? _lastSuccess;
    private DateTimeOffset? _lastCheck;
    private string? _lastError;
    private McpFailureKind? _failingWith;

    /// <summary>Creates a checker that calls <paramref name="ping"/> (a completed call is a pass, an exception a failure).</summary>
    public McpHealthChecker(Func<CancellationToken, ValueTask> ping, HealthCheckerOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(ping);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _ping = ping;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _window = new bool[options.ScoreWindow];
    }

    /// <summary>Raised after each check (outside the checker's lock).</summary>
    public event Action<HealthCheckResult>? Checked;

    /// <summary>Raised when the status changes: (previous, current).</summary>
    public event Action<HealthStatus, HealthStatus>? StatusChanged;

    /// <summary>The status now.</summary>
    public HealthStatus Status
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    /// <summary>Whether a timed check is running now (a tick that comes meanwhile is skipped: pings never stack).</summary>
    internal bool Checking => Volatile.Read(ref _checking) != 0;

    /// <summary>Starts periodic checks on the time provider (the first after one interval). Idempotent; nothing once disposed.</summary>
    public void Start()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _timer ??= _time.CreateTimer(static s => ((McpHealthChecker)s!).OnTimer(), this, _options.Interval, _options.Interval);
        }
    }

    /// <summary>Runs one check now.</summary>
    public async Task<HealthCheckResult> CheckNowAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _stopping.Token);
        var started = _time.GetTimestamp();
        McpFailure? failure = null;
        try
        {
            await _ping(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            failure = new McpFailure(McpFailureKind.Timeout, $"ping timed out after {_options.Timeout.TotalMilliseconds:0} ms");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // any ping failure is a failed check, recorded with its classification
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = FailureClassifier.Classify(ex);
        }

        var latency = _time.GetElapsedTime(started);
        return Record(latency, failure);
    }

    /// <summary>A reading of status, counters, latency and score.</summary>
    public HealthCheckStats GetStats()
    {
        lock (_lock)
        {
            return new HealthCheckStats(
                _status,
                _consecutiveSuccesses,
                _consecutiveFailures,
                _total,
                _passed,
                _total - _passed,
                _ewmaMs,
                _lastMs,
                Score_NeedsLock(),
                _lastSuccess,
                _lastCheck,
                _lastError);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        ITimer? timer;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            timer = _timer;
            _timer = null;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (timer is not null)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private HealthCheckResult Record(TimeSpan latency, McpFailure? failure)
    {
        var passed = failure is null;
        var now = _time.GetUtcNow();
        HealthStatus previous;
        HealthStatus current;
        var repeated = false;
        lock (_lock)
        {
            previous = _status;
            _total++;
            _lastCheck = now;
            _lastMs = latency.TotalMilliseconds;
            if (_windowCount == _window.Length && _window[_windowNext])
            {
                _windowPasses--;
            }

            _window[_windowNext] = passed;
            _windowNext = (_windowNext + 1) % _window.Length;
            _windowCount = Math.Min(_windowCount + 1, _window.Length);
            if (passed)
            {
                _windowPasses++;
                _passed++;
                _consecutiveSuccesses++;
                _consecutiveFailures = 0;
                _lastSuccess = now;
                _lastError = null;
                _failingWith = null;
                _ewmaMs = _passed == 1 ? _lastMs : (_options.LatencySmoothing * _lastMs) + ((1 - _options.LatencySmoothing) * _ewmaMs);
                // Hysteresis guards against flapping back up after failures; a first check has nothing to doubt.
                _status = _consecutiveSuccesses >= _options.HealthyThreshold || previous is HealthStatus.Healthy or HealthStatus.Unknown
                    ? HealthStatus.Healthy
                    : HealthStatus.Degraded;
            }
            else
            {
                _consecutiveFailures++;
                _consecutiveSuccesses = 0;
                _lastError = failure!.Value.Message;
                repeated = _failingWith == failure.Value.Kind;
                _failingWith = failure.Value.Kind;
                _status = _consecutiveFailures >= _options.UnhealthyThreshold ? HealthStatus.Unhealthy : HealthStatus.Degraded;
            }

            current = _status;
        }

        var result = new HealthCheckResult(current, passed, latency, now, failure);
        if (failure is { } f)
        {
            // One warning when pings start failing, or fail for another reason; a peer that stays down for hours is not
            // a warning every interval (the link says what it is doing, and the health JSON keeps the last error).
            if (repeated)
            {
                LogCheckFailedAgain(_logger, f.KindName, f.Message);
            }
            else
            {
                LogCheckFailed(_logger, f.KindName, f.Message);
            }
        }

        if (current != previous)
        {
            if (previous != HealthStatus.Unknown || current != HealthStatus.Healthy)
            {
                LogStatusChanged(_logger, previous, current);
            }

            StatusChanged?.Invoke(previous, current);
        }

        Checked?.Invoke(result);
        return result;
    }

    private double Score_NeedsLock()
    {
        if (_windowCount == 0)
        {
            return 0;
        }

        var successRate = (double)_windowPasses / _windowCount;
        var target = _options.LatencyTarget.TotalMilliseconds;
        var latencyFactor = _ewmaMs <= target ? 1.0 : target / _ewmaMs;
        return successRate * latencyFactor;
    }

    private void OnTimer()
    {
        if (Interlocked.Exchange(ref _checking, 1) != 0)
        {
            return; // the previous ping is still running: never stack pings on a slow server
        }

        _ = RunTimedCheckAsync();
    }

    private async Task RunTimedCheckAsync()
    {
        try
        {
            await CheckNowAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // disposed while pinging
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "MCP ping failed ({Kind}): {Error}")]
    private static partial void LogCheckFailed(ILogger logger, string kind, string error);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Debug, Message = "MCP ping failed again ({Kind}): {Error}")]
    private static partial void LogCheckFailedAgain(ILogger logger, string kind, string error);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "MCP health {Previous} -> {Current}")]
    private static partial void LogStatusChanged(ILogger logger, HealthStatus previous, HealthStatus current);
}

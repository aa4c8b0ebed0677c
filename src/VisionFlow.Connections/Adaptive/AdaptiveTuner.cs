using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VisionFlow.Connections.Pooling;
using VisionFlow.Connections.Resilience;

namespace VisionFlow.Connections.Adaptive;

/// <summary>
/// Periodically adapts resilience settings to network conditions (the MCP integration design's rules): high latency
/// lengthens retry delays, a high error rate lowers the breaker threshold, high pool utilisation grows the pool. Each
/// rule reverts once its condition has clearly recovered (hysteresis), every change stays within hard limits, and each
/// is logged and counted.
/// </summary>
internal sealed partial class AdaptiveTuner : IAsyncDisposable
{
    private readonly ResilienceTuning _tuning;
    private readonly IResizablePool? _pool;
    private readonly Func<AdaptiveInputs>? _inputs;
    private readonly AdaptiveTuningOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Queue<AdaptiveChange> _history = new();
    private ITimer? _timer;
    private bool _highLatency;
    private bool _highErrors;
    private long _evaluations;
    private long _changes;
    private AdaptiveInputs? _last;

    /// <summary>Creates a tuner over the pipeline's tuning and (optionally) a pool; <paramref name="inputs"/> feeds the timer.</summary>
    public AdaptiveTuner(
        ResilienceTuning tuning,
        IResizablePool? pool,
        Func<AdaptiveInputs>? inputs,
        AdaptiveTuningOptions options,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(tuning);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _tuning = tuning;
        _pool = pool;
        _inputs = inputs;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Raised for each change (outside the tuner's lock).</summary>
    public event Action<AdaptiveChange>? Changed;

    /// <summary>Starts periodic evaluation on the time provider using the inputs delegate. Idempotent.</summary>
    public void Start()
    {
        if (_inputs is null)
        {
            throw new InvalidOperationException("AdaptiveTuner.Start needs an inputs delegate; call Evaluate(inputs) instead");
        }

        lock (_lock)
        {
            _timer ??= _time.CreateTimer(static s => ((AdaptiveTuner)s!).OnTimer(), this, _options.Interval, _options.Interval);
        }
    }

    /// <summary>Applies the rules to <paramref name="inputs"/>; returns the changes made (empty when none).</summary>
    public IReadOnlyList<AdaptiveChange> Evaluate(AdaptiveInputs inputs)
    {
        var made = new List<AdaptiveChange>();
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            _evaluations++;
            _last = inputs;
            var baseline = _tuning.Baseline;
            var current = _tuning.Current;
            var next = current;

            if (!_highLatency && inputs.AverageLatencyMs > _options.HighLatency.TotalMilliseconds)
            {
                _highLatency = true;
                next = next with
                {
                    InitialDelay = Max(baseline.InitialDelay, _options.HighLatencyInitialDelay),
                    MaxDelay = Max(baseline.MaxDelay, _options.HighLatencyMaxDelay),
                };
                Note(made, "high_latency", "retry_delay", current, next, $"average latency {inputs.AverageLatencyMs:0.#} ms > {_options.HighLatency.TotalMilliseconds:0} ms", now);
            }
            else if (_highLatency && inputs.AverageLatencyMs < _options.LatencyRecovered.TotalMilliseconds)
            {
                _highLatency = false;
                next = next with { InitialDelay = baseline.InitialDelay, MaxDelay = baseline.MaxDelay };
                Note(made, "high_latency", "retry_delay", current, next, $"average latency {inputs.AverageLatencyMs:0.#} ms < {_options.LatencyRecovered.TotalMilliseconds:0} ms (revert)", now);
            }

            var beforeBreaker = next;
            if (!_highErrors && inputs.ErrorRate > _options.HighErrorRate)
            {
                _highErrors = true;
                next = next with { FailureThreshold = Math.Min(baseline.FailureThreshold, _options.HighErrorFailureThreshold) };
                Note(made, "high_error_rate", "failure_threshold", beforeBreaker, next, $"error rate {inputs.ErrorRate:P1} > {_options.HighErrorRate:P0}", now);
            }
            else if (_highErrors && inputs.ErrorRate < _options.ErrorRateRecovered)
            {
                _highErrors = false;
                next = next with { FailureThreshold = baseline.FailureThreshold };
                Note(made, "high_error_rate", "failure_threshold", beforeBreaker, next, $"error rate {inputs.ErrorRate:P1} < {_options.ErrorRateRecovered:P0} (revert)", now);
            }

            if (next != current)
            {
                _tuning.Set(next);
            }

            if (_pool is not null)
            {
                var max = _pool.MaxConnections;
                if (inputs.PoolUtilisation > _options.HighUtilisation && max < _pool.HardMaxConnections)
                {
                    var applied = _pool.Resize(max + _options.PoolStep);
                    NotePool(made, max, applied, $"pool utilisation {inputs.PoolUtilisation:P0} > {_options.HighUtilisation:P0}", now);
                }
                else if (inputs.PoolUtilisation < _options.LowUtilisation && max > _pool.BaselineMaxConnections)
                {
                    var applied = _pool.Resize(Math.Max(_pool.BaselineMaxConnections, max - _options.PoolStep));
                    NotePool(made, max, applied, $"pool utilisation {inputs.PoolUtilisation:P0} < {_options.LowUtilisation:P0} (revert)", now);
                }
            }

            foreach (var change in made)
            {
                _changes++;
                _history.Enqueue(change);
                if (_history.Count > _options.HistoryCapacity)
                {
                    _history.Dequeue();
                }
            }
        }

        foreach (var change in made)
        {
            LogChanged(_logger, change.Setting, change.From, change.To, change.Reason);
            Changed?.Invoke(change);
        }

        return made;
    }

    /// <summary>A reading of the rules in force, counters and recent changes.</summary>
    public AdaptiveStats GetStats()
    {
        lock (_lock)
        {
            return new AdaptiveStats(
                _highLatency,
                _highErrors,
                _pool?.MaxConnections ?? 0,
                _pool?.BaselineMaxConnections ?? 0,
                _evaluations,
                _changes,
                _last,
                [.. _history]);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        ITimer? timer;
        lock (_lock)
        {
            timer = _timer;
            _timer = null;
        }

        if (timer is not null)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void OnTimer()
    {
        try
        {
            Evaluate(_inputs!());
        }
#pragma warning disable CA1031 // a background pass must never take the process down
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailed(_logger, ex);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static void Note(List<AdaptiveChange> made, string rule, string setting, ResilienceTuningValues from, ResilienceTuningValues to, string reason, DateTimeOffset at)
    {
        var (f, t) = setting == "failure_threshold"
            ? (from.FailureThreshold.ToString(CultureInfo.InvariantCulture), to.FailureThreshold.ToString(CultureInfo.InvariantCulture))
            : (Describe(from), Describe(to));
        if (f != t)
        {
            made.Add(new AdaptiveChange(rule, setting, f, t, reason, at));
        }
    }

    private static void NotePool(List<AdaptiveChange> made, int from, int to, string reason, DateTimeOffset at)
    {
        if (from != to)
        {
            made.Add(new AdaptiveChange("pool_utilisation", "max_connections", from.ToString(CultureInfo.InvariantCulture), to.ToString(CultureInfo.InvariantCulture), reason, at));
        }
    }

    private static string Describe(ResilienceTuningValues v) =>
        string.Create(CultureInfo.InvariantCulture, $"{v.InitialDelay.TotalMilliseconds:0}ms..{v.MaxDelay.TotalMilliseconds:0}ms");

    [LoggerMessage(EventId = 2501, Level = LogLevel.Information, Message = "Adaptive tuning: {Setting} {From} -> {To} ({Reason})")]
    private static partial void LogChanged(ILogger logger, string setting, string from, string to, string reason);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Error, Message = "Adaptive tuning pass failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

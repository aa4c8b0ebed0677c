using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VisionFlow.Connections.Failures;

namespace VisionFlow.Connections.Degradation;

/// <summary>
/// Owns the degradation level: failures push it down (by type), and once the link is healthy again it climbs back one
/// level per recovery interval, counted from the moment it became healthy, on its own timer. Every change is recorded
/// and published.
/// </summary>
/// <remarks>
/// Recovery runs on a timer rather than on whoever reports health next, so the steps come exactly one interval apart
/// (not whenever the next ping happens to land) and the first step never comes sooner than one interval after the
/// link is back, however long ago the last level change was.
/// </remarks>
public sealed partial class GracefulDegradationManager : IDisposable
{
    private readonly DegradationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Channel<DegradationChange> _changes;
    private readonly ITimer _recovery;
    private DegradationLevel _level;
    private DateTimeOffset _since;
    private DateTimeOffset? _healthySince;
    private volatile bool _healthy;
    private long _transitions;
    private long _failures; // failures counted so far: a healthy report from work begun before the last one is stale
    private ImmutableQueue<DegradationChange> _history = [];
    private int _historyCount;
    private bool _disposed;

    /// <summary>Creates a manager at <see cref="DegradationLevel.FullyOperational"/>.</summary>
    internal GracefulDegradationManager(DegradationOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _since = _time.GetUtcNow();
        _changes = Channel.CreateBounded<DegradationChange>(new BoundedChannelOptions(options.ChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = false,
        });
        _recovery = _time.CreateTimer(static s => ((GracefulDegradationManager)s!).OnRecoveryTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Raised after each change (outside the manager's lock).</summary>
    public event Action<DegradationChange>? Changed;

    /// <summary>Every change, for one reader (the server's browser broadcaster).</summary>
    public ChannelReader<DegradationChange> Changes => _changes.Reader;

    /// <summary>The level now.</summary>
    public DegradationLevel Level
    {
        get
        {
            lock (_lock)
            {
                return _level;
            }
        }
    }

    /// <summary>What is on now.</summary>
    public DegradationResponse Current => DegradationResponse.For(Level);

    /// <summary>Since when the link has been healthy without a failure (null while it is not).</summary>
    public DateTimeOffset? HealthySince
    {
        get
        {
            lock (_lock)
            {
                return _healthySince;
            }
        }
    }

    /// <summary>
    /// Moves the level down for a failure: a timeout steps one level (not past EmergencyMode); service unavailable goes
    /// to EmergencyMode; an authentication failure goes to SafeMode. A failure never raises the level, and it ends the
    /// healthy interval: recovery starts over from the next <see cref="ReportHealthy"/>.
    /// </summary>
    internal DegradationResponse HandleFailure(McpFailureType failure)
    {
        DegradationChange? change;
        lock (_lock)
        {
            var target = failure switch
            {
                McpFailureType.ConnectionTimeout => _level < DegradationLevel.EmergencyMode ? _level + 1 : _level,
                McpFailureType.ServiceUnavailable => _level < DegradationLevel.EmergencyMode ? DegradationLevel.EmergencyMode : _level,
                McpFailureType.AuthenticationFailure => DegradationLevel.SafeMode,
                _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, "Unknown failure type"),
            };
            _healthy = false;
            _healthySince = null;
            _failures++;
            StopRecovery_NeedsLock();
            change = target > _level ? Apply_NeedsLock(target, Describe(failure)) : null;
        }

        return Publish(change);
    }

    /// <summary>Handles a classified failure; returns null (no change) for failures that say nothing new about the peer.</summary>
    public DegradationResponse? HandleFailure(McpFailure failure) =>
        failure.DegradationTrigger is { } trigger ? HandleFailure(trigger) : null;

    /// <summary>
    /// The link works (connected, a ping or a call answered). The first report after a failure starts the healthy
    /// interval; while it lasts the level climbs one step per recovery interval. Further reports cost one read.
    /// </summary>
    public void ReportHealthy() => ReportHealthy(null);

    /// <summary>Failures counted so far; take it before work whose success is reported with <see cref="ReportHealthy(long?)"/>.</summary>
    internal long Failures => Volatile.Read(ref _failures);

    /// <summary>
    /// As <see cref="ReportHealthy()"/>, for work that began when <paramref name="failuresBefore"/> failures had been
    /// counted: if one was counted since, the report is stale and ignored. A call answered on a connection that has
    /// since died (its continuation run late, under load) must not start a healthy interval the loss already ended.
    /// </summary>
    internal void ReportHealthy(long? failuresBefore)
    {
        if (_healthy)
        {
            return;
        }

        lock (_lock)
        {
            if (_healthy || _disposed || (failuresBefore is { } seen && seen != _failures))
            {
                return;
            }

            _healthy = true;
            _healthySince = _time.GetUtcNow();
            if (_level > DegradationLevel.FullyOperational)
            {
                _recovery.Change(_options.RecoveryInterval, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>A reading of the level, time in it, transition count and history (oldest first).</summary>
    internal DegradationStats GetStats()
    {
        lock (_lock)
        {
            return new DegradationStats(_level, DegradationResponse.For(_level), _since, _time.GetUtcNow() - _since, _transitions, [.. _history]);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            StopRecovery_NeedsLock();
        }

        _recovery.Dispose();
    }

    private void OnRecoveryTimer()
    {
        DegradationChange? change = null;
        lock (_lock)
        {
            if (!_healthy || _disposed || _level == DegradationLevel.FullyOperational)
            {
                return;
            }

            change = Apply_NeedsLock(_level - 1, "healthy interval");
            if (_level > DegradationLevel.FullyOperational)
            {
                _recovery.Change(_options.RecoveryInterval, Timeout.InfiniteTimeSpan);
            }
        }

        Publish(change);
    }

    private void StopRecovery_NeedsLock() => _recovery.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    private static string Describe(McpFailureType failure) => failure switch
    {
        McpFailureType.ConnectionTimeout => "connection timeout",
        McpFailureType.ServiceUnavailable => "service unavailable",
        _ => "authentication failure",
    };

    private DegradationChange Apply_NeedsLock(DegradationLevel target, string reason)
    {
        var now = _time.GetUtcNow();
        var change = new DegradationChange(_level, target, reason, now, DegradationResponse.For(target));
        _level = target;
        _since = now;
        _transitions++;
        _history = _history.Enqueue(change);
        if (++_historyCount > _options.HistoryCapacity)
        {
            _history = _history.Dequeue();
            _historyCount--;
        }

        _changes.Writer.TryWrite(change); // under the lock, so readers see changes in the order they happened
        return change;
    }

    private DegradationResponse Publish(DegradationChange? change)
    {
        if (change is null)
        {
            return Current;
        }

        if (change.To > change.From)
        {
            LogDegraded(_logger, DegradationLevelNames.ToSnakeCase(change.To), change.Reason, change.Response.Message);
        }
        else
        {
            LogRecovered(_logger, DegradationLevelNames.ToSnakeCase(change.To), change.Response.Message);
        }

        Changed?.Invoke(change);
        return change.Response;
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Degraded to {Level} ({Reason}): {Message}")]
    private static partial void LogDegraded(ILogger logger, string level, string reason, string message);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Recovered to {Level}: {Message}")]
    private static partial void LogRecovered(ILogger logger, string level, string message);
}

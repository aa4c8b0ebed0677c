using System.Collections.Immutable;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;
using Polly.Timeout;
using VisionFlow.Connections.Pooling;
using VisionFlow.Protocol;

namespace VisionFlow.Connections.Degradation;

/// <summary>
/// Owns the degradation level: failures push it down (by type), healthy reports bring it back up one level per
/// recovery interval, and every change is recorded and published.
/// </summary>
public sealed class GracefulDegradationManager
{
    private readonly DegradationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Channel<DegradationChange> _changes;
    private DegradationLevel _level;
    private DateTimeOffset _since;
    private long _transitions;
    private ImmutableQueue<DegradationChange> _history = [];
    private int _historyCount;

    /// <summary>Creates a manager at <see cref="DegradationLevel.FullyOperational"/>.</summary>
    public GracefulDegradationManager(DegradationOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
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

    /// <summary>
    /// Moves the level down for a failure: a timeout steps one level (not past EmergencyMode); service unavailable goes
    /// to EmergencyMode; an authentication failure goes to SafeMode. A failure never raises the level (service
    /// unavailable while in SafeMode stays in SafeMode).
    /// </summary>
    public DegradationResponse HandleFailure(McpFailureType failure)
    {
        DegradationChange? change;
        lock (_lock)
        {
            var target = failure switch
            {
                McpFailureType.ConnectionTimeout => _level < DegradationLevel.EmergencyMode ? _level + 1 : _level,
                McpFailureType.ServiceUnavailable => DegradationLevel.EmergencyMode,
                McpFailureType.AuthenticationFailure => DegradationLevel.SafeMode,
                _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, "Unknown failure type"),
            };
            change = target > _level ? Apply_NeedsLock(target, Describe(failure)) : null;
        }

        return Publish(change);
    }

    /// <summary>Classifies an exception and handles it; returns null (no change) for errors that say nothing about MCP availability.</summary>
    public DegradationResponse? HandleFailure(Exception exception)
    {
        var type = Classify(exception);
        return type is { } t ? HandleFailure(t) : null;
    }

    /// <summary>A healthy interval passed: climb one level, if at least the recovery interval has passed since the last change.</summary>
    public DegradationResponse ReportHealthy()
    {
        DegradationChange? change = null;
        lock (_lock)
        {
            if (_level > DegradationLevel.FullyOperational && _time.GetUtcNow() - _since >= _options.RecoveryInterval)
            {
                change = Apply_NeedsLock(_level - 1, "healthy interval");
            }
        }

        return Publish(change);
    }

    /// <summary>A reading of the level, time in it, transition count and history (oldest first).</summary>
    public DegradationStats GetStats()
    {
        lock (_lock)
        {
            return new DegradationStats(_level, DegradationResponse.For(_level), _since, _time.GetUtcNow() - _since, _transitions, [.. _history]);
        }
    }

    /// <summary>Maps an exception to the failure type it signals, or null for application errors and cancellations.</summary>
    public static McpFailureType? Classify(Exception exception) => exception switch
    {
        ConnectException { Kind: ConnectFailureKind.Timeout } => McpFailureType.ConnectionTimeout,
        ConnectException => McpFailureType.ServiceUnavailable,
        TimeoutRejectedException or TimeoutException or PoolExhaustedException => McpFailureType.ConnectionTimeout,
        SocketException { SocketErrorCode: SocketError.TimedOut } => McpFailureType.ConnectionTimeout,
        BrokenCircuitException => McpFailureType.ServiceUnavailable,
        SocketException or IOException => McpFailureType.ServiceUnavailable,
        JsonRpcException { Code: JsonRpcErrorCodes.ServerError } rpc when rpc.Message.Contains("auth", StringComparison.OrdinalIgnoreCase) => McpFailureType.AuthenticationFailure,
        JsonRpcException { InnerException: { } inner } => Classify(inner),
        _ => null,
    };

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
            Log.Degraded(_logger, change.To, change.Reason, change.Response.Message, null);
        }
        else
        {
            Log.Recovered(_logger, change.To, change.Response.Message, null);
        }

        Changed?.Invoke(change);
        return change.Response;
    }

    private static class Log
    {
        public static readonly Action<ILogger, DegradationLevel, string, string, Exception?> Degraded =
            LoggerMessage.Define<DegradationLevel, string, string>(LogLevel.Warning, new EventId(2301, "Degraded"), "Degraded to {Level} ({Reason}): {Message}");

        public static readonly Action<ILogger, DegradationLevel, string, Exception?> Recovered =
            LoggerMessage.Define<DegradationLevel, string>(LogLevel.Information, new EventId(2302, "Recovered"), "Recovered to {Level}: {Message}");
    }
}

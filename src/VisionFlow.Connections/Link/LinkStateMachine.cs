using Microsoft.Extensions.Logging;
using VisionFlow.Connections.Failures;

namespace VisionFlow.Connections.Link;

/// <summary>
/// The link's one piece of state: the <see cref="McpLinkStatus"/> readers see, the open <see cref="McpSession"/> behind
/// it, the signal requests wait on while an attempt is in progress, and the counters of attempts and sessions. Every
/// change is one transition here, under one lock, that replaces the status as a whole; observers are told once per
/// distinct status, in order, outside the lock (<see cref="Publish"/>).
/// </summary>
/// <remarks>
/// <para>States: <c>Connecting</c> (first attempt) → <c>Connected</c> ⇄ <c>Reconnecting</c> (attempt in progress) /
/// <c>Unavailable</c> (waiting for the next attempt), or <c>Disabled</c> for good. Every successful attempt opens a
/// new session: the server's full agent listing replaces what was known, and only then does telemetry flow (pushed on
/// the session's own connection, or polled). A session ends when its connection closes, when health checks find the
/// peer unresponsive, or when a request proves the connection gone; the next attempt starts at once.</para>
/// <para>Nothing else is remembered beside the status: whether an attempt is running follows from the state (the reconnector
/// runs from every transition into <c>Connecting</c>/<c>Reconnecting</c> until one commits a session), whether the
/// link was ever connected from the session count, and the open session's number is the status's own
/// <see cref="McpLinkStatus.Session"/>.</para>
/// </remarks>
internal sealed partial class LinkStateMachine
{
    private readonly Lock _gate = new();
    private readonly string _address;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // Written under _gate.
    private McpLinkStatus _status;
    private McpSession? _session;
    private TaskCompletionSource<bool> _attempt = NewSignal();
    private Lifecycle _lifecycle;
    private McpLinkStatus? _published;
    private DateTimeOffset? _downSince;
    private long _sessionNumbers;
    private long _sessions;
    private long _attempts;
    private long _failedAttempts;
    private long _reconnections;
    private long _disconnects;
    private int _waiting;

    public LinkStateMachine(McpLinkOptions options, TimeProvider time, ILogger logger)
    {
        _address = options.Address;
        _time = time;
        _logger = logger;
        _status = options.Enabled
            ? new McpLinkStatus(McpLinkState.Connecting, _address, $"connecting to the MCP server at {_address}", null, TelemetryMode.Unavailable, 0, null, null, null, null, null)
            : new McpLinkStatus(McpLinkState.Disabled, _address, "MCP is disabled (ENABLE_MCP=false)", null, TelemetryMode.Disabled, 0, null, null, null, null, null);
    }

    private enum Lifecycle
    {
        Created,
        Running,
        Stopped,
    }

    /// <summary>Raised by <see cref="Publish"/> with each distinct status, in order, outside the lock.</summary>
    public event Action<McpLinkStatus>? Changed;

    /// <summary>The link now.</summary>
    public McpLinkStatus Status => Volatile.Read(ref _status);

    /// <summary>The open session, or null.</summary>
    public McpSession? Session
    {
        get
        {
            lock (_gate)
            {
                return _session;
            }
        }
    }

    /// <summary>Counters of attempts and sessions.</summary>
    public McpLinkStats Stats
    {
        get
        {
            lock (_gate)
            {
                return new McpLinkStats(_status.State, _sessions, _attempts, _failedAttempts, _reconnections, _disconnects, _downSince);
            }
        }
    }

    /// <summary>Requests waiting for the attempt in progress (<see cref="WaitForSessionAsync"/>).</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Created → running, once; false when already started, stopped or disabled.</summary>
    public bool TryStart()
    {
        lock (_gate)
        {
            if (_lifecycle != Lifecycle.Created)
            {
                return false;
            }

            _lifecycle = Lifecycle.Running;
            return true;
        }
    }

    /// <summary>A fresh session number (numbers are never reused, so deliveries of an old session can be told apart).</summary>
    public long NextSessionNumber() => Interlocked.Increment(ref _sessionNumbers);

    /// <summary>Attempt <paramref name="attempt"/> begins: <c>Connecting</c> before the first session, else <c>Reconnecting</c>. False once stopped.</summary>
    public bool BeginAttempt(int attempt)
    {
        lock (_gate)
        {
            if (_lifecycle == Lifecycle.Stopped)
            {
                return false;
            }

            if (_attempt.Task.IsCompleted)
            {
                _attempt = NewSignal();
            }

            _attempts++;
            var detail = _sessions > 0
                ? $"reconnecting to the MCP server at {_address} (attempt {attempt})"
                : $"connecting to the MCP server at {_address}" + (attempt > 1 ? $" (attempt {attempt})" : string.Empty);
            Set_NeedsLock(_status with
            {
                State = _sessions > 0 ? McpLinkState.Reconnecting : McpLinkState.Connecting,
                Detail = detail,
                RetryInterval = null,
                NextAttemptAt = null,
            });
            return true;
        }
    }

    /// <summary>The attempt failed with <paramref name="failure"/>; the next one starts after <paramref name="delay"/>. Returns whether the link had been connected before.</summary>
    public bool AttemptFailed(McpFailure failure, TimeSpan delay, string delayText)
    {
        TaskCompletionSource<bool> signal;
        bool everConnected;
        lock (_gate)
        {
            _failedAttempts++;
            var now = _time.GetUtcNow();
            everConnected = _sessions > 0;
            if (_lifecycle != Lifecycle.Stopped)
            {
                Set_NeedsLock(_status with
                {
                    State = McpLinkState.Unavailable,
                    Detail = $"MCP server {_address} {failure.Phrase} ({failure.Message}); retrying in {delayText}",
                    LastFailure = failure,
                    LastFailureAt = now,
                    RetryInterval = delay,
                    NextAttemptAt = now + delay,
                });
            }

            signal = _attempt;
        }

        Publish();
        signal.TrySetResult(false);
        return everConnected;
    }

    /// <summary>Makes <paramref name="session"/> the open one (<c>Connected</c>); false once stopped (the caller then drops it).</summary>
    public bool TryCommit(McpSession session)
    {
        TaskCompletionSource<bool> signal;
        lock (_gate)
        {
            if (_lifecycle == Lifecycle.Stopped)
            {
                return false;
            }

            _session = session;
            if (_sessions++ > 0)
            {
                _reconnections++;
            }

            _downSince = null;
            Set_NeedsLock(_status with
            {
                State = McpLinkState.Connected,
                Detail = $"connected to {session.Profile.Describe()} at {_address}; telemetry {session.TelemetryDescription}",
                Profile = session.Profile,
                Telemetry = session.Telemetry,
                Session = session.Number,
                ConnectedSince = _time.GetUtcNow(),
                RetryInterval = null,
                NextAttemptAt = null,
            });
            signal = _attempt;
        }

        signal.TrySetResult(true);
        return true;
    }

    /// <summary>
    /// Ends session <paramref name="number"/> if it is the open one (<c>Connected</c> → <c>Reconnecting</c>) and returns
    /// it; null when it is an earlier session or its loss was already handled. The caller starts reconnecting.
    /// </summary>
    public McpSession? TryLose(long number, McpFailure failure)
    {
        lock (_gate)
        {
            if (_lifecycle == Lifecycle.Stopped || _session is not { } session || session.Number != number)
            {
                return null;
            }

            _session = null;
            _disconnects++;
            _downSince = _time.GetUtcNow();
            Set_NeedsLock(_status with
            {
                State = McpLinkState.Reconnecting,
                Detail = $"MCP server {_address} {failure.Phrase} ({failure.Message}); reconnecting",
                Profile = null,
                Telemetry = TelemetryMode.Unavailable,
                Session = 0,
                ConnectedSince = null,
                LastFailure = failure,
                LastFailureAt = _downSince,
            });
            return session;
        }
    }

    /// <summary>
    /// Stops for good: no further transitions, and requests waiting for an attempt are released. False when already
    /// stopped; otherwise <paramref name="session"/> is the open session, for the caller to drop.
    /// </summary>
    public bool TryStop(out McpSession? session)
    {
        TaskCompletionSource<bool> signal;
        lock (_gate)
        {
            session = null;
            if (_lifecycle == Lifecycle.Stopped)
            {
                return false;
            }

            _lifecycle = Lifecycle.Stopped;
            session = _session;
            _session = null;
            if (session is not null)
            {
                Set_NeedsLock(_status with { Session = 0 }); // no pooled connection of it passes its borrow check any more
            }

            signal = _attempt;
        }

        signal.TrySetResult(false);
        return true;
    }

    /// <summary>
    /// The connected status, at once when connected; while an attempt is in progress, after it (bounded by
    /// <paramref name="timeout"/>); otherwise throws with the reason the link is down.
    /// </summary>
    public async ValueTask<McpLinkStatus> WaitForSessionAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            McpLinkStatus status;
            Task<bool> attempt;
            lock (_gate)
            {
                // Stopping: no attempt will come, so nothing is worth waiting for.
                if (_lifecycle == Lifecycle.Stopped)
                {
                    throw new McpUnavailableException("the MCP link is stopping");
                }

                status = _status;
                attempt = _attempt.Task;
            }

            switch (status.State)
            {
                case McpLinkState.Connected:
                    return status;
                case McpLinkState.Disabled:
                    throw new McpUnavailableException(status.Detail);
                case McpLinkState.Unavailable:
                    throw new McpUnavailableException(status.Detail, status.LastFailure);
            }

            var left = timeout - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw new McpUnavailableException(
                    $"{status.Detail}: no connection within {timeout.TotalMilliseconds:0} ms (MCP_CONNECTION_TIMEOUT)",
                    new McpFailure(McpFailureKind.Timeout, "connection attempt still in progress"));
            }

            Interlocked.Increment(ref _waiting);
            try
            {
                await attempt.WaitAsync(left, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Read the state once more: the deadline check above turns it into the answer.
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
    }

    /// <summary>Raises <see cref="Changed"/> once per distinct status, in order, outside the lock.</summary>
    public void Publish()
    {
        McpLinkStatus status;
        lock (_gate)
        {
            status = _status;
            if (ReferenceEquals(status, _published))
            {
                return;
            }

            _published = status;
        }

        try
        {
            Changed?.Invoke(status);
        }
#pragma warning disable CA1031 // an observer's defect must not stop the link
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogObserverFailed(_logger, ex);
        }
    }

    private static TaskCompletionSource<bool> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Set_NeedsLock(McpLinkStatus status) => Volatile.Write(ref _status, status);

    [LoggerMessage(EventId = 2408, Level = LogLevel.Error, Message = "An MCP link status observer failed")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception);
}

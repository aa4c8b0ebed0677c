using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VisionFlow.Connections.Adaptive;
using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Diagnostics;
using VisionFlow.Connections.Failures;
using VisionFlow.Connections.Health;
using VisionFlow.Connections.Pooling;
using VisionFlow.Connections.Resilience;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Connections.Link;

/// <summary>
/// The one owner of the MCP link: connect and reconnect, the session (list, then watch by push or poll), the pool and
/// request pipeline, health checks, degradation and adaptive tuning. Its state changes in one place, under one lock,
/// as a whole <see cref="McpLinkStatus"/>; readers take that snapshot and are told of each change.
/// </summary>
/// <remarks>
/// <para>States: <c>Connecting</c> (first attempt) → <c>Connected</c> ⇄ <c>Reconnecting</c> (attempt in progress) /
/// <c>Unavailable</c> (waiting for the next attempt), or <c>Disabled</c> for good. Every successful attempt opens a
/// new session: the server's full agent listing replaces what the sink held, and only then does telemetry flow (pushed
/// on the session's own connection, or polled). A session ends when its connection closes, when health checks find the
/// peer unresponsive, or when a request proves the connection gone; the next attempt starts at once.</para>
/// <para>Requests made while an attempt is in progress wait for it (bounded by the request timeout) instead of failing
/// with "not connected"; requests made while the link is known down fail at once with the reason.</para>
/// </remarks>
public sealed partial class McpLink : IAsyncDisposable
{
    private readonly McpLinkOptions _options;
    private readonly IMcpTelemetrySink _sink;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggers;
    private readonly TcpConnector _connector;
    private readonly ConnectionPool<McpConnection>? _pool;
    private readonly McpHealthChecker? _health;
    private readonly AdaptiveTuner? _adaptive;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Func<long> _liveSessionReader;
    private readonly Lock _gate = new();
    private readonly Histogram<double>? _callDuration;

    // Everything below is written under _gate.
    private McpLinkStatus _status;
    private TaskCompletionSource<bool> _attempt = NewSignal();
    private bool _started;
    private bool _connecting;
    private bool _everConnected;
    private bool _disposed;
    private long _liveSession;
    private JsonRpcConnection? _sessionConnection;
    private CancellationTokenSource? _sessionStop;
    private Task _connectLoop = Task.CompletedTask;
    private Task _pollLoop = Task.CompletedTask;
    private DateTimeOffset? _downSince;
    private McpLinkStatus? _published;

    private long _sessionCounter;
    private long _sessions;
    private long _attempts;
    private long _failedAttempts;
    private long _reconnections;
    private long _disconnects;
    private int _commandsInFlight;
    private TaskCompletionSource _pollWake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Creates the link (not started). <paramref name="sink"/> receives every session's telemetry; <paramref name="meter"/>,
    /// when given, gets the duration of every MCP request (<see cref="McpCallInvoker"/>). What the link's parts count is
    /// observed from outside (<c>McpLinkInstruments</c>).
    /// </summary>
    public McpLink(McpLinkOptions options, IMcpTelemetrySink sink, TimeProvider? timeProvider = null, ILoggerFactory? loggers = null, Meter? meter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        options.Validate();
        _options = options;
        _sink = sink;
        _time = timeProvider ?? TimeProvider.System;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger("VisionFlow.Mcp");
        _liveSessionReader = () => Volatile.Read(ref _liveSession);
        _connector = new TcpConnector(new TcpConnectorOptions { ConnectTimeout = options.ConnectionTimeout }, _time);
        Resilience = McpResiliencePipelineFactory.Create(options.ToResilienceOptions(), _time, _loggers.CreateLogger("VisionFlow.Mcp.Resilience"));
        Degradation = new GracefulDegradationManager(
            new DegradationOptions { RecoveryInterval = options.RecoveryInterval }, _time, _loggers.CreateLogger("VisionFlow.Degradation"));

        if (!options.Enabled)
        {
            _status = new McpLinkStatus(McpLinkState.Disabled, options.Address, "MCP is disabled (ENABLE_MCP=false)", null,
                TelemetryMode.Disabled, 0, null, null, null, null, null);
            return;
        }

        _status = new McpLinkStatus(McpLinkState.Connecting, options.Address, $"connecting to the MCP server at {options.Address}", null,
            TelemetryMode.Unavailable, 0, null, null, null, null, null);
        _pool = new ConnectionPool<McpConnection>(CreatePooledConnectionAsync, options.ToPoolOptions(), _time, _loggers.CreateLogger("VisionFlow.Mcp.Pool"));
        _health = new McpHealthChecker(PingAsync, options.ToHealthOptions(), _time, _loggers.CreateLogger("VisionFlow.Mcp.Health"));
        _health.Checked += OnHealthChecked;
        _adaptive = new AdaptiveTuner(
            Resilience.Tuning, _pool, AdaptiveInputSource.Create(Resilience, _health, _pool), new AdaptiveTuningOptions(), _time,
            _loggers.CreateLogger("VisionFlow.Mcp.Adaptive"));
        if (meter is not null)
        {
            _callDuration = McpCallInvoker.CreateDuration(meter);
        }
    }

    /// <summary>Raised after every change of <see cref="Status"/>, with the new status (outside the link's lock).</summary>
    public event Action<McpLinkStatus>? StatusChanged;

    /// <summary>The options the link runs with.</summary>
    public McpLinkOptions Options => _options;

    /// <summary>The link now.</summary>
    public McpLinkStatus Status => Volatile.Read(ref _status);

    /// <summary>The request pipeline (timeouts, retry, circuit breaker) and its counters.</summary>
    internal McpResilience Resilience { get; }

    /// <summary>The degradation level, driven by this link's failures and recoveries.</summary>
    public GracefulDegradationManager Degradation { get; }

    /// <summary>Counters of attempts and sessions.</summary>
    internal McpLinkStats Stats
    {
        get
        {
            lock (_gate)
            {
                return new McpLinkStats(_status.State, Interlocked.Read(ref _sessions), Interlocked.Read(ref _attempts),
                    Interlocked.Read(ref _failedAttempts), Interlocked.Read(ref _reconnections), Interlocked.Read(ref _disconnects), _downSince);
            }
        }
    }

    /// <summary>The request pool; null when disabled.</summary>
    internal IResizablePool? Pool => _pool;

    /// <summary>The health checker; null when disabled.</summary>
    internal McpHealthChecker? Health => _health;

    /// <summary>The adaptive tuner; null when disabled.</summary>
    internal AdaptiveTuner? Adaptive => _adaptive;

    /// <summary>The clock the link runs on.</summary>
    public TimeProvider Time => _time;

    /// <summary>Starts the first connection attempt, health checks and adaptive tuning, all in the background. Idempotent.</summary>
    public void Start()
    {
        if (!_options.Enabled)
        {
            return;
        }

        lock (_gate)
        {
            if (_started || _disposed)
            {
                return;
            }

            _started = true;
            StartConnectLoop_NeedsLock(initial: true);
        }

        // Background work never runs inside the caller's context: a health ping must not become a child of whatever
        // request or span happened to start the link.
        Detached(_health!.Start);
        Detached(_adaptive!.Start);
    }

    /// <summary>
    /// Runs one operation against the server through the pool and the request pipeline. While a connection attempt is in
    /// progress it waits for it first (bounded by <see cref="McpLinkOptions.ConnectionTimeout"/>).
    /// <paramref name="changesState"/> marks a command (spawn, terminate, …): while it runs the poller keeps its fastest
    /// pace, and when it ends the listing is refreshed at once, so its effect shows within one round trip.
    /// </summary>
    /// <exception cref="McpUnavailableException">The link is disabled or down, or the attempt in progress failed.</exception>
    public async ValueTask<T> ExecuteAsync<T>(Func<ISwarmClient, CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken, bool changesState = false)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var status = Volatile.Read(ref _status);
        if (status.State != McpLinkState.Connected)
        {
            status = await WaitForSessionAsync(cancellationToken).ConfigureAwait(false);
        }

        if (changesState)
        {
            Interlocked.Increment(ref _commandsInFlight);
        }

        try
        {
            var result = await Resilience.Pipeline.ExecuteAsync(
                static async (pool, ct) =>
                {
                    var lease = await pool.Pool.RentAsync(ct).ConfigureAwait(false);
                    await using (lease.ConfigureAwait(false))
                    {
                        try
                        {
                            return await pool.Operation(lease.Connection.Client, ct).ConfigureAwait(false);
                        }
                        catch (Exception ex) when (FailureClassifier.Classify(ex).LosesLink)
                        {
                            lease.MarkBroken();
                            throw;
                        }
                    }
                },
                (Pool: _pool!, Operation: operation),
                cancellationToken).ConfigureAwait(false);
            Degradation.ReportHealthy();
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            OnRequestFailed(status.Session, FailureClassifier.Classify(ex), ex);
            throw;
        }
        finally
        {
            if (changesState)
            {
                Interlocked.Decrement(ref _commandsInFlight);
                Interlocked.Exchange(ref _pollWake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        JsonRpcConnection? connection;
        Task connectLoop, pollLoop;
        long session;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            connection = _sessionConnection;
            _sessionConnection = null;
            _sessionStop?.Cancel();
            session = _liveSession;
            Volatile.Write(ref _liveSession, 0);
            connectLoop = _connectLoop;
            pollLoop = _pollLoop;
            _attempt.TrySetResult(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_health is not null)
        {
            await _health.DisposeAsync().ConfigureAwait(false);
        }

        if (_adaptive is not null)
        {
            await _adaptive.DisposeAsync().ConfigureAwait(false);
        }

        await Quietly(connectLoop).ConfigureAwait(false);
        await Quietly(pollLoop).ConfigureAwait(false);
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        if (_pool is not null)
        {
            await _pool.DisposeAsync().ConfigureAwait(false);
        }

        if (session != 0)
        {
            _sink.EndSession(session);
        }

        Degradation.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Probe delay after failed attempt <paramref name="attempt"/> (1-based): the quick delay, then doubling up to the cap.</summary>
    internal TimeSpan DelayAfter(int attempt)
    {
        if (attempt < _options.ReconnectAttempts)
        {
            return _options.ReconnectDelay;
        }

        var exponent = Math.Min(attempt - Math.Max(_options.ReconnectAttempts, 1) + 1, 30);
        var ms = _options.ReconnectDelay.TotalMilliseconds * Math.Pow(2, exponent);
        return TimeSpan.FromMilliseconds(Math.Min(ms, _options.EffectiveMaxProbeDelay.TotalMilliseconds));
    }

    /// <summary>Runs <paramref name="start"/> (which starts background work) without flowing the caller's execution context.</summary>
    private static void Detached(Action start)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            start();
            return;
        }

        using (ExecutionContext.SuppressFlow())
        {
            start();
        }
    }

    private static TaskCompletionSource<bool> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // shutting down: the loops' own failures were logged where they happened
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>Waits for the attempt in progress; returns the connected status or throws with the reason it is not.</summary>
    private async ValueTask<McpLinkStatus> WaitForSessionAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            McpLinkStatus status;
            Task<bool> attempt;
            lock (_gate)
            {
                // Stopping: no attempt will come, so nothing is worth waiting for.
                if (_disposed)
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

            var left = _options.ConnectionTimeout - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw new McpUnavailableException(
                    $"{status.Detail}: no connection within {_options.ConnectionTimeout.TotalMilliseconds:0} ms (MCP_CONNECTION_TIMEOUT)",
                    new McpFailure(McpFailureKind.Timeout, "connection attempt still in progress"));
            }

            try
            {
                await attempt.WaitAsync(left, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Read the state once more: the deadline check above turns it into the answer.
            }
        }
    }

    private void StartConnectLoop_NeedsLock(bool initial)
    {
        if (_connecting || _disposed)
        {
            return;
        }

        _connecting = true;
        if (_attempt.Task.IsCompleted)
        {
            _attempt = NewSignal();
        }

        // A reconnect is often started by a failing request: its loop (and the poll loop it starts) must not carry that
        // request's context, or every later poll would be traced as part of a request long answered.
        Detached(() => _connectLoop = Task.Run(() => ConnectLoopAsync(initial)));
    }

    private async Task ConnectLoopAsync(bool initial)
    {
        var stop = _stopping.Token;
        var bound = initial ? _options.ConnectionTimeout : McpLinkOptions.Min(_options.ReconnectAttemptTimeout, _options.ConnectionTimeout);
        McpFailureKind? reported = null;
        for (var attempt = 1; ; attempt++)
        {
            TaskCompletionSource<bool> signal;
            lock (_gate)
            {
                if (_disposed)
                {
                    _connecting = false;
                    return;
                }

                if (_attempt.Task.IsCompleted)
                {
                    _attempt = NewSignal();
                }

                signal = _attempt;
                var state = _everConnected ? McpLinkState.Reconnecting : McpLinkState.Connecting;
                var detail = _everConnected
                    ? $"reconnecting to the MCP server at {_options.Address} (attempt {attempt})"
                    : $"connecting to the MCP server at {_options.Address}" + (attempt > 1 ? $" (attempt {attempt})" : string.Empty);
                SetStatus_NeedsLock(_status with { State = state, Detail = detail, RetryInterval = null, NextAttemptAt = null });
            }

            Publish();
            Interlocked.Increment(ref _attempts);
            McpFailure failure;
            Exception? unexpected = null;
            using (var timeout = new CancellationTokenSource(bound, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token))
            {
                try
                {
                    await EstablishAsync(linked.Token).ConfigureAwait(false);
                    signal.TrySetResult(true);
                    return;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    signal.TrySetResult(false);
                    return;
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    failure = new McpFailure(McpFailureKind.Timeout, $"no answer within {bound.TotalMilliseconds:0} ms");
                    bound = TimeSpan.FromTicks(Math.Min(bound.Ticks * 2, _options.ConnectionTimeout.Ticks));
                }
#pragma warning disable CA1031 // every failed attempt is classified, reported and retried
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    failure = FailureClassifier.Classify(ex);
                    unexpected = failure.IsExpected ? null : ex;
                }
            }

            Interlocked.Increment(ref _failedAttempts);
            Degradation.HandleFailure(failure);
            Resilience.CircuitBreaker.OnFailure(isProbe: false, new McpUnavailableException(failure.Message, failure));
            var delay = DelayAfter(attempt);
            var now = _time.GetUtcNow();
            bool everConnected;
            lock (_gate)
            {
                everConnected = _everConnected;
                SetStatus_NeedsLock(_status with
                {
                    State = McpLinkState.Unavailable,
                    Detail = $"MCP server {_options.Address} {failure.Phrase} ({failure.Message}); retrying in {Seconds(delay)}",
                    LastFailure = failure,
                    LastFailureAt = now,
                    RetryInterval = delay,
                    NextAttemptAt = now + delay,
                });
            }

            Publish();
            signal.TrySetResult(false);
            if (unexpected is not null)
            {
                LogAttemptFailedUnexpectedly(_logger, _options.Address, unexpected);
            }
            else if (reported != failure.Kind)
            {
                // One line per kind of trouble, not one per attempt: a peer down for an hour must not flood the log.
                if (everConnected)
                {
                    LogStillDown(_logger, _options.Address, failure.Phrase, failure.Message, Seconds(delay));
                }
                else
                {
                    LogNotReached(_logger, _options.Address, failure.Phrase, failure.Message, Seconds(delay));
                }
            }
            else
            {
                LogAttemptFailed(_logger, attempt, _options.Address, failure.KindName, failure.Message);
            }

            reported = failure.Kind;
            try
            {
                await Task.Delay(delay, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                lock (_gate)
                {
                    _connecting = false;
                }

                return;
            }
        }
    }

    /// <summary>
    /// One attempt: connect, authenticate, detect the dialect, read the full agent listing into the sink (the session's
    /// start), subscribe to pushed telemetry or fall back to polling, then commit the session.
    /// </summary>
    private async Task EstablishAsync(CancellationToken cancellationToken)
    {
        var session = Interlocked.Increment(ref _sessionCounter);
        var rpc = await OpenAsync(session, push: true, cancellationToken).ConfigureAwait(false);
        var committed = false;
        try
        {
            await AuthenticateAsync(rpc, cancellationToken).ConfigureAwait(false);
            var profile = await ServerProfile.DetectAsync(rpc, _options.ClientVersion, cancellationToken).ConfigureAwait(false);
            var client = profile.CreateClient(rpc);
            var mode = TelemetryMode.Unsupported;
            string? gap = null;
            byte[]? listing = null;
            try
            {
                listing = await client.ListAgentsRawAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationNotOfferedException ex)
            {
                gap = ex.Message;
            }

            if (listing is not null)
            {
                // List before watch: pushes start only after the listing is applied, so nothing older than it can land on top.
                await _sink.ApplyListingAsync(session, listing, cancellationToken).ConfigureAwait(false);
                mode = await ServerProfile.SubscribeTelemetryAsync(rpc, _options.TelemetryEvents, _options.TelemetryInterval, cancellationToken).ConfigureAwait(false)
                    ? TelemetryMode.Push
                    : TelemetryMode.Poll;
            }

            // Not linked to _stopping (DisposeAsync cancels it directly), so a session leaves no registration behind.
            var stop = new CancellationTokenSource();
            bool reconnect;
            lock (_gate)
            {
                if (_disposed)
                {
                    throw new OperationCanceledException(_stopping.Token);
                }

                reconnect = _everConnected;
                _everConnected = true;
                _connecting = false;
                _sessionConnection = rpc;
                _sessionStop = stop;
                Volatile.Write(ref _liveSession, session);
                _downSince = null;
                var telemetry = mode switch
                {
                    TelemetryMode.Push => "pushed by the server",
                    TelemetryMode.Poll => "polled (the server pushes none)",
                    _ => $"unavailable: {gap}",
                };
                SetStatus_NeedsLock(_status with
                {
                    State = McpLinkState.Connected,
                    Detail = $"connected to {profile.Describe()} at {_options.Address}; telemetry {telemetry}",
                    Profile = profile,
                    Telemetry = mode,
                    Session = session,
                    ConnectedSince = _time.GetUtcNow(),
                    RetryInterval = null,
                    NextAttemptAt = null,
                });
                committed = true;
                if (mode == TelemetryMode.Poll)
                {
                    _pollLoop = Task.Run(() => PollLoopAsync(session, stop.Token));
                }
            }

            Interlocked.Increment(ref _sessions);
            if (reconnect)
            {
                Interlocked.Increment(ref _reconnections);
            }

            _ = rpc.Completion.ContinueWith(
                static (_, state) =>
                {
                    var (link, connection, id) = ((McpLink, JsonRpcConnection, long))state!;
                    link.OnSessionConnectionClosed(id, connection);
                },
                (this, rpc, session),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);

            // The server answered a fresh session: let calls through, and forget the failed attempts that led here.
            if (Resilience.CircuitBreaker.State != Polly.CircuitBreaker.CircuitState.Closed)
            {
                await Resilience.CircuitBreaker.CloseAsync().ConfigureAwait(false);
            }
            else
            {
                Resilience.CircuitBreaker.OnSuccess(isProbe: false);
            }

            Degradation.ReportHealthy();
            Publish();
            LogConnected(_logger, profile.Describe(), _options.Address, Status.TelemetryName);
        }
        finally
        {
            if (!committed)
            {
                _sink.EndSession(session);
                await rpc.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Polls the agent listing of a server without push: at the fastest pace while it changes or a command of ours is in
    /// flight, doubling the wait up to the slowest while nothing changes, and at once after each command.
    /// </summary>
    private async Task PollLoopAsync(long session, CancellationToken stop)
    {
        var period = _options.PollMinInterval;
        var fastest = _options.PollMinInterval;
        var slowest = _options.EffectivePollMaxInterval;
        McpFailureKind? reported = null;
        while (!stop.IsCancellationRequested)
        {
            var wake = Volatile.Read(ref _pollWake).Task;
            using (var delay = CancellationTokenSource.CreateLinkedTokenSource(stop))
            {
                var elapsed = Task.Delay(period, _time, delay.Token);
                await Task.WhenAny(elapsed, wake).ConfigureAwait(false);
                await delay.CancelAsync().ConfigureAwait(false);
            }

            if (stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                var listing = await ExecuteAsync(static (client, ct) => client.ListAgentsRawAsync(ct), stop).ConfigureAwait(false);
                var changed = await _sink.ApplyListingAsync(session, listing, stop).ConfigureAwait(false);
                period = changed || Volatile.Read(ref _commandsInFlight) > 0 ? fastest : McpLinkOptions.Min(period * 2, slowest);
                reported = null;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (McpUnavailableException)
            {
                return; // the session is over; the next one starts its own poller
            }
#pragma warning disable CA1031 // a failed poll is reported and the next one tried; ExecuteAsync already acted on link failures
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var failure = FailureClassifier.Classify(ex);
                if (failure.Kind != reported)
                {
                    LogPollFailed(_logger, failure.KindName, failure.Message);
                    reported = failure.Kind;
                }

                period = slowest;
            }
        }
    }

    private void OnSessionConnectionClosed(long session, JsonRpcConnection connection)
    {
        var failure = connection.CloseException is { } ex
            ? FailureClassifier.Classify(ex)
            : new McpFailure(McpFailureKind.Closed, "the server closed the session's connection");
        SessionLost(session, failure);
    }

    private void OnHealthChecked(HealthCheckResult result)
    {
        var status = Status;
        if (result.Succeeded)
        {
            if (status.State == McpLinkState.Connected)
            {
                Degradation.ReportHealthy();
            }

            return;
        }

        // Only a peer that keeps failing pings while we think it is up says something new: a hung peer (its socket open,
        // nothing answered) is found here and nowhere else.
        if (result.Failure is { Kind: not McpFailureKind.LinkDown } failure && result.Status == HealthStatus.Unhealthy
            && status.State == McpLinkState.Connected)
        {
            Degradation.HandleFailure(failure);
            SessionLost(status.Session, failure with { Message = "health checks failing: " + failure.Message });
        }
    }

    private void OnRequestFailed(long session, McpFailure failure, Exception exception)
    {
        if (!failure.IsExpected)
        {
            LogRequestFailedUnexpectedly(_logger, exception);
            return;
        }

        if (failure.Kind is McpFailureKind.NotOffered or McpFailureKind.NotFound or McpFailureKind.InvalidParams
            or McpFailureKind.Refusal or McpFailureKind.ServerError)
        {
            Degradation.ReportHealthy(); // the server answered: the link works
            return;
        }

        Degradation.HandleFailure(failure);
        if (failure.LosesLink)
        {
            SessionLost(session, failure);
        }
    }

    /// <summary>Ends <paramref name="session"/> if it is the open one, and starts reconnecting at once.</summary>
    private void SessionLost(long session, McpFailure failure)
    {
        JsonRpcConnection? connection;
        lock (_gate)
        {
            if (_disposed || session == 0 || session != _liveSession || _status.State != McpLinkState.Connected)
            {
                return; // an earlier session, or this loss was already handled
            }

            Volatile.Write(ref _liveSession, 0);
            connection = _sessionConnection;
            _sessionConnection = null;
            _sessionStop?.Cancel();
            _sessionStop = null;
            _downSince = _time.GetUtcNow();
            Interlocked.Increment(ref _disconnects);
            SetStatus_NeedsLock(_status with
            {
                State = McpLinkState.Reconnecting,
                Detail = $"MCP server {_options.Address} {failure.Phrase} ({failure.Message}); reconnecting",
                Profile = null,
                Telemetry = TelemetryMode.Unavailable,
                Session = 0,
                ConnectedSince = null,
                LastFailure = failure,
                LastFailureAt = _downSince,
            });
            StartConnectLoop_NeedsLock(initial: false);
        }

        _sink.EndSession(session);
        Degradation.HandleFailure(failure);
        LogLost(_logger, _options.Address, failure.Phrase, failure.Message);
        Publish();
        if (connection is not null)
        {
            _ = connection.DisposeAsync().AsTask();
        }
    }

    private void SetStatus_NeedsLock(McpLinkStatus status) => Volatile.Write(ref _status, status);

    /// <summary>Raises <see cref="StatusChanged"/> once per distinct status, in order, outside the lock.</summary>
    private void Publish()
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
            StatusChanged?.Invoke(status);
        }
#pragma warning disable CA1031 // an observer's defect must not stop the link
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogObserverFailed(_logger, ex);
        }
    }

    /// <summary>
    /// The periodic ping goes through the same pipeline as commands, so a hung or dead peer shows even when idle. While no
    /// session is open it fails at once (link down) rather than waiting for the attempt in progress.
    /// </summary>
    private async ValueTask PingAsync(CancellationToken cancellationToken)
    {
        if (Status is { State: not McpLinkState.Connected } down)
        {
            throw new McpUnavailableException(down.Detail, down.LastFailure);
        }

        try
        {
            await ExecuteAsync(
                static async (client, ct) =>
                {
                    await client.PingAsync(ct).ConfigureAwait(false);
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !_stopping.IsCancellationRequested)
        {
            // The health check's own timeout ran out first (it is shorter than a request's): the peer did not answer a
            // ping in time, which the contract counts as a connection timeout, one level down, here as for a command.
            // ExecuteAsync leaves a caller's cancellation alone, so this is the only place it is counted.
            Degradation.HandleFailure(McpFailureType.ConnectionTimeout);
            throw;
        }
    }

    private async ValueTask<McpConnection> CreatePooledConnectionAsync(CancellationToken cancellationToken)
    {
        var session = Volatile.Read(ref _liveSession);
        var profile = Status.Profile ?? throw new McpUnavailableException($"MCP server {_options.Address} is not connected");
        var rpc = await OpenAsync(session, push: false, cancellationToken).ConfigureAwait(false);
        try
        {
            await AuthenticateAsync(rpc, cancellationToken).ConfigureAwait(false);
            if (profile.Dialect == ServerDialect.Mcp)
            {
                await ServerProfile.HandshakeAsync(rpc, _options.ClientVersion, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await rpc.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // The pooled connections carry every call made through ExecuteAsync: that is where calls are timed and traced.
        var invoker = new McpCallInvoker(rpc, _callDuration, profile.Dialect, _options.Host, _options.Port);
        return new McpConnection(rpc, profile.CreateClient(invoker), session, _liveSessionReader);
    }

    private async ValueTask<JsonRpcConnection> OpenAsync(long session, bool push, CancellationToken cancellationToken)
    {
        var socket = await _connector.ConnectAsync(_options.Host, _options.Port, cancellationToken).ConfigureAwait(false);
        JsonRpcPushHandler? onPush = null;
        if (push)
        {
            var sink = _sink;
            onPush = line => sink.OnPushLine(session, line);
        }

        return JsonRpcConnection.Create(socket, new JsonRpcConnectionOptions
        {
            OnPush = onPush,
            Logger = _loggers.CreateLogger("VisionFlow.Mcp.Rpc"),
            TimeProvider = _time,
            Name = $"mcp {_options.Address}",
        });
    }

    /// <summary>The Claude Flow TCP bridge's optional first request; a refusal is an authentication failure (SafeMode).</summary>
    private async ValueTask AuthenticateAsync(JsonRpcConnection rpc, CancellationToken cancellationToken)
    {
        if (_options.ApiKey is not { } key)
        {
            return;
        }

        try
        {
            await new McpBridgeClient(rpc).AuthenticateAsync(new McpAuthenticateParams { Token = key }, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonRpcException ex) when (ex.InnerException is null)
        {
            throw new McpAuthenticationException($"the bridge refused MCP_API_KEY: {ex.Message}", ex);
        }
    }

    private static string Seconds(TimeSpan delay) =>
        delay < TimeSpan.FromSeconds(1) ? $"{delay.TotalMilliseconds:0} ms" : $"{delay.TotalSeconds:0.#} s";

    [LoggerMessage(EventId = 2400, Level = LogLevel.Information, Message = "MCP connected: {Server} at {Address}; telemetry by {Mode}")]
    private static partial void LogConnected(ILogger logger, string server, string address, string mode);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "MCP link to {Address} lost: the server {Phrase} ({Error}); reconnecting")]
    private static partial void LogLost(ILogger logger, string address, string phrase, string error);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning,
        Message = "MCP server {Address} {Phrase} ({Error}); retrying in {Delay}. Point CLAUDE_FLOW_HOST / MCP_TCP_PORT at your MCP server, or run `visionflow --simulator` to try VisionFlow with the built-in simulator")]
    private static partial void LogNotReached(ILogger logger, string address, string phrase, string error, string delay);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Warning, Message = "MCP server {Address} still down: it {Phrase} ({Error}); retrying in {Delay}")]
    private static partial void LogStillDown(ILogger logger, string address, string phrase, string error, string delay);

    [LoggerMessage(EventId = 2404, Level = LogLevel.Debug, Message = "MCP connection attempt {Attempt} to {Address} failed ({Kind}): {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, int attempt, string address, string kind, string error);

    [LoggerMessage(EventId = 2405, Level = LogLevel.Error, Message = "MCP connection attempt to {Address} failed unexpectedly")]
    private static partial void LogAttemptFailedUnexpectedly(ILogger logger, string address, Exception exception);

    [LoggerMessage(EventId = 2406, Level = LogLevel.Error, Message = "MCP request failed unexpectedly")]
    private static partial void LogRequestFailedUnexpectedly(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2407, Level = LogLevel.Warning, Message = "MCP agent listing poll failed ({Kind}): {Error}; polling on at the slowest pace")]
    private static partial void LogPollFailed(ILogger logger, string kind, string error);

    [LoggerMessage(EventId = 2408, Level = LogLevel.Error, Message = "An MCP link status observer failed")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception);
}

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
using VisionFlow.Connections.Transport;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Connections.Link;

/// <summary>
/// The MCP link: one front door for requests, over parts with one job each. <see cref="LinkStateMachine"/> holds the
/// state (one <see cref="McpLinkStatus"/> and the open <see cref="McpSession"/>); <see cref="McpReconnector"/> makes
/// attempts until one opens a session; <see cref="McpHandshake"/> readies every connection (the session's and the
/// pool's) over the <see cref="IMcpTransport"/>; <see cref="LinkHealthPolicy"/> turns what happens into degradation,
/// breaker and session-loss decisions; <see cref="ListingPoller"/> watches servers that push nothing. This class wires
/// them to the pool, the request pipeline, the health checker and the adaptive tuner, and routes events between them.
/// </summary>
/// <remarks>
/// Requests made while an attempt is in progress wait for it (bounded by the request timeout) instead of failing with
/// "not connected"; requests made while the link is known down fail at once with the reason. The states and sessions
/// are described on <see cref="LinkStateMachine"/>.
/// </remarks>
public sealed partial class McpLink : IAsyncDisposable
{
    private readonly McpLinkOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly LinkStateMachine _state;
    private readonly LinkHealthPolicy _policy;
    private readonly McpHandshake? _handshake;
    private readonly McpReconnector? _reconnector;
    private readonly ListingPoller? _poller;
    private readonly ConnectionPool<McpConnection>? _pool;
    private readonly McpHealthChecker? _health;
    private readonly AdaptiveTuner? _adaptive;
    private readonly Func<long> _currentSession;
    private readonly Func<IJsonRpcInvoker, ServerDialect, IJsonRpcInvoker> _measure;

    /// <summary>
    /// Creates the link (not started). Every session's telemetry is written to <see cref="Sessions"/>, for whoever reads
    /// it; <paramref name="meter"/>, when given, gets the duration of every MCP request (<see cref="McpCallInvoker"/>).
    /// What the link's parts count is observed from outside (<c>McpLinkInstruments</c>).
    /// </summary>
    public McpLink(McpLinkOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggers = null, Meter? meter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Sessions = new McpSessionFeed(options.PushBufferBytes);
        Time = timeProvider ?? TimeProvider.System;
        var loggerFactory = loggers ?? NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger("VisionFlow.Mcp");
        _state = new LinkStateMachine(options, Time, _logger);
        _currentSession = () => _state.Status.Session;
        Resilience = McpResiliencePipelineFactory.Create(options.ToResilienceOptions(), Time, loggerFactory.CreateLogger("VisionFlow.Mcp.Resilience"));
        Degradation = new GracefulDegradationManager(
            new DegradationOptions { RecoveryInterval = options.RecoveryInterval }, Time, loggerFactory.CreateLogger("VisionFlow.Degradation"));
        _policy = new LinkHealthPolicy(Degradation, Resilience.CircuitBreaker, _logger);
        IMcpTransport transport = options.Command is { } command
            ? new StdioTransport(command, loggerFactory.CreateLogger("VisionFlow.Mcp.Process"))
            : new TcpTransport(options.Host, options.Port, options.ConnectionTimeout, Time);
        var duration = meter is null ? null : McpCallInvoker.CreateDuration(meter);
        var (host, port) = transport.NetworkTransport == "tcp" ? (options.Host, options.Port) : (null, 0);
        _measure = (rpc, dialect) => new McpCallInvoker(rpc, duration, dialect, host, port, transport.NetworkTransport);
        if (!options.Enabled)
        {
            return;
        }

        _handshake = new McpHandshake(transport, options, Time, loggerFactory);
        _reconnector = new McpReconnector(options, _state, _policy, Resilience.Attempts, ConnectOnceAsync, Time, _logger, _stopping.Token);
        _poller = new ListingPoller(options, Time, _logger);
        _pool = new ConnectionPool<McpConnection>(CreatePooledConnectionAsync, options.ToPoolOptions(), Time, loggerFactory.CreateLogger("VisionFlow.Mcp.Pool"));
        _health = new McpHealthChecker(PingAsync, options.ToHealthOptions(), Time, loggerFactory.CreateLogger("VisionFlow.Mcp.Health"));
        _health.Checked += OnHealthChecked;
        _adaptive = new AdaptiveTuner(
            Resilience.Tuning, _pool, AdaptiveInputSource.Create(Resilience, _health, _pool), new AdaptiveTuningOptions(), Time,
            loggerFactory.CreateLogger("VisionFlow.Mcp.Adaptive"));
    }

    /// <summary>Raised after every change of <see cref="Status"/>, with the new status (outside the link's lock).</summary>
    public event Action<McpLinkStatus>? StatusChanged
    {
        add => _state.Changed += value;
        remove => _state.Changed -= value;
    }

    /// <summary>The options the link runs with.</summary>
    public McpLinkOptions Options => _options;

    /// <summary>The link now.</summary>
    public McpLinkStatus Status => _state.Status;

    /// <summary>What the sessions deliver (listings, pushed lines, ends), for one reader to take.</summary>
    public McpSessionFeed Sessions { get; }

    /// <summary>The degradation level, driven by this link's failures and recoveries.</summary>
    public GracefulDegradationManager Degradation { get; }

    /// <summary>The clock the link runs on.</summary>
    public TimeProvider Time { get; }

    /// <summary>The request pipeline (timeouts, retry, circuit breaker) and its counters.</summary>
    internal McpResilience Resilience { get; }

    /// <summary>Counters of attempts and sessions.</summary>
    internal McpLinkStats Stats => _state.Stats;

    /// <summary>Requests waiting for the connection attempt in progress.</summary>
    internal int Waiting => _state.Waiting;

    /// <summary>The request pool; null when disabled.</summary>
    internal IResizablePool? Pool => _pool;

    /// <summary>The health checker; null when disabled.</summary>
    internal McpHealthChecker? Health => _health;

    /// <summary>The adaptive tuner; null when disabled.</summary>
    internal AdaptiveTuner? Adaptive => _adaptive;

    /// <summary>
    /// Starts the first connection attempt and adaptive tuning in the background; health checks start with the first
    /// session (before it there is no peer to check: the attempts say how the server is reached). Idempotent.
    /// </summary>
    public void Start()
    {
        if (!_options.Enabled || !_state.TryStart())
        {
            return;
        }

        _reconnector!.Run(initial: true);
        Background.Detached(_adaptive!.Start);
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
        var status = _state.Status;
        if (status.State != McpLinkState.Connected)
        {
            status = await _state.WaitForSessionAsync(_options.ConnectionTimeout, cancellationToken).ConfigureAwait(false);
        }

        if (changesState)
        {
            _poller!.CommandStarted();
        }

        var failuresBefore = _policy.FailuresSoFar;
        try
        {
            var result = await Resilience.Pipeline.ExecuteAsync(
                static (call, ct) => McpConnection.RunAsync(call.Pool, call.Operation, ct), (Pool: _pool!, Operation: operation), cancellationToken).ConfigureAwait(false);
            _policy.OnRequestSucceeded(failuresBefore);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var failure = FailureClassifier.Classify(ex);
            if (_policy.OnRequestFailed(failure, ex, failuresBefore))
            {
                LoseSession(status.Session, failure);
            }

            throw;
        }
        finally
        {
            if (changesState)
            {
                _poller!.CommandEnded();
            }
        }
    }

    /// <summary>Reads the open session's agent listing now and completes once the feed's reader applied it (whether it changed
    /// anything; false without a session): after a command on a polled server, what shows next is what its answer said.</summary>
    public async ValueTask<bool> RefreshListingAsync(CancellationToken cancellationToken)
    {
        var session = _state.Status.Session;
        if (session <= 0) return false;
        var listing = await ExecuteAsync(static (client, ct) => client.ListAgentsRawAsync(ct), cancellationToken).ConfigureAwait(false);
        return await Sessions.PublishListingAsync(session, listing, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_state.TryStop(out var session))
        {
            return;
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

        if (_reconnector is not null)
        {
            await Background.Quietly(_reconnector.Completion).ConfigureAwait(false);
        }

        if (session is not null)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }

        if (_pool is not null)
        {
            await _pool.DisposeAsync().ConfigureAwait(false);
        }

        Degradation.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Probe delay after failed attempt <paramref name="attempt"/> (1-based): the quick delay, then doubling up to the cap.</summary>
    internal TimeSpan DelayAfter(int attempt) => McpReconnector.DelayAfter(_options, attempt);

    /// <summary>One attempt (run by the reconnector): open a session, make it the link's, and start what runs for it.</summary>
    private async Task ConnectOnceAsync(CancellationToken cancellationToken)
    {
        var session = await McpSession.OpenAsync(_state.NextSessionNumber(), _handshake!, Sessions, _options, cancellationToken).ConfigureAwait(false);

        // Before the session is seen: a request that sees it connected must not meet the breaker the failed attempts opened.
        await _policy.OnSessionOpenedAsync().ConfigureAwait(false);
        if (!_state.TryCommit(session))
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw new OperationCanceledException(_stopping.Token);
        }

        if (session.Telemetry == TelemetryMode.Poll)
        {
            session.StartPolling(PollAsync);
        }

        session.WhenClosed(OnSessionClosed);
        Background.Detached(_health!.Start);
        _state.Publish();
        LogConnected(_logger, session.Profile.Describe(), _options.Address, Status.TelemetryName);
    }

    private Task PollAsync(long session, CancellationToken stop) =>
        _poller!.RunAsync(session, ct => ExecuteAsync(static (client, t) => client.ListAgentsRawAsync(t), ct), Sessions.PublishListingAsync, stop);

    /// <summary>
    /// The session's connection closed: news only if it is the open session (not one already given up or dropped), and
    /// counted before the loss is seen, so whoever sees the link down also sees the level that goes with it.
    /// </summary>
    private void OnSessionClosed(McpSession session, McpFailure failure)
    {
        if (_state.Session != session)
        {
            return;
        }

        _policy.OnConnectionClosed(failure);
        LoseSession(session.Number, failure);
    }

    private void OnHealthChecked(HealthCheckResult result)
    {
        var status = _state.Status;
        if (_policy.OnHealthChecked(result, status.State == McpLinkState.Connected) is { } failure)
        {
            LoseSession(status.Session, failure);
        }
    }

    /// <summary>Gives session <paramref name="number"/> up for a failure the policy has already counted.</summary>
    private void LoseSession(long number, McpFailure failure)
    {
        if (_state.TryLose(number, failure) is { } lost)
        {
            Lost(lost, failure);
        }
    }

    private void Lost(McpSession session, McpFailure failure)
    {
        var dropped = session.DisposeAsync(); // ends the session's deliveries at once; the connection closes in the background
        _state.Publish();
        LogLost(_logger, _options.Address, failure.Phrase, failure.Message);
        _reconnector!.Run(initial: false);
        _ = dropped.AsTask();
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
            // The health check's own timeout ran out first (it is shorter than a request's). ExecuteAsync leaves a
            // caller's cancellation alone, so this is the only place it is counted.
            _policy.OnPingTimedOut();
            throw;
        }
    }

    private ValueTask<McpConnection> CreatePooledConnectionAsync(CancellationToken cancellationToken) =>
        _state.Session is { } session
            ? session.OpenRequestConnectionAsync(_handshake!, _measure, _currentSession, cancellationToken)
            : ValueTask.FromException<McpConnection>(new McpUnavailableException($"MCP server {_options.Address} is not connected"));

    [LoggerMessage(EventId = 2400, Level = LogLevel.Information, Message = "MCP connected: {Server} at {Address}; telemetry by {Mode}")]
    private static partial void LogConnected(ILogger logger, string server, string address, string mode);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "MCP link to {Address} lost: the server {Phrase} ({Error}); reconnecting")]
    private static partial void LogLost(ILogger logger, string address, string phrase, string error);
}

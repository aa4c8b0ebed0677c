using System.Text;
using Microsoft.Extensions.Logging;
using VisionFlow.Agents;
using VisionFlow.Agents.Intake;
using VisionFlow.Connections.Adaptive;
using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Health;
using VisionFlow.Connections.Metrics;
using VisionFlow.Connections.Pooling;
using VisionFlow.Connections.Reconnect;
using VisionFlow.Connections.Resilience;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Protocol.Contracts.Plain;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Hosting;

namespace VisionFlow.Server.Mcp;

/// <summary>
/// Owns everything on the MCP side: the pooled connections, the resilience pipeline, health checks, degradation,
/// reconnects, adaptive tuning, the detected server profile and the telemetry feed. Commands from REST go through
/// <see cref="ExecuteAsync{T}"/>; readers take immutable snapshots (<see cref="Metrics"/>, <see cref="Profile"/>).
/// </summary>
internal sealed class McpGateway : IAsyncDisposable
{
    private static readonly string[] TelemetryEvents = ["agent.*", "message.*", "metrics.*"];
    private readonly ServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggers;
    private readonly TcpConnector _connector;
    private readonly ConnectionPool<McpConnection>? _pool;
    private readonly ReconnectSupervisor? _reconnect;
    private readonly McpHealthChecker? _health;
    private readonly AdaptiveTuner? _adaptive;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;
    private readonly SemaphoreSlim _establishing = new(1, 1);
    private readonly Lock _link = new();
    private ServerProfile? _profile;
    private JsonRpcConnection? _telemetryConnection;
    private volatile McpLinkState _state;
    private string _stateDetail;
    private Task _intakeLoop = Task.CompletedTask;

    public McpGateway(ServerOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger("VisionFlow.Mcp");
        _connector = new TcpConnector(new TcpConnectorOptions { ConnectTimeout = options.McpConnectionTimeout }, time);
        Resilience = McpResiliencePipelineFactory.Create(
            new McpResilienceOptions
            {
                TotalTimeout = options.McpConnectionTimeout,
                AttemptTimeout = TimeSpan.FromTicks(Math.Min(options.McpConnectionTimeout.Ticks, TimeSpan.FromSeconds(10).Ticks)),
                MaxAttempts = 3,
                InitialDelay = TimeSpan.FromMilliseconds(50),
                MaxDelay = options.McpReconnectDelay,
            },
            time,
            loggers.CreateLogger("VisionFlow.Mcp.Resilience"));
        Degradation = new GracefulDegradationManager(
            new DegradationOptions { RecoveryInterval = options.DegradationRecoveryInterval }, time, loggers.CreateLogger("VisionFlow.Degradation"));

        var push = new PushTelemetrySource();
        var poll = new PollTelemetrySource(PollAgentsAsync);
        Telemetry = new McpTelemetrySource(push, poll);
        Intake = new TelemetryIntake(
            Telemetry,
            new AgentTelemetryOptions { MaxAgents = options.McpMaxAgents },
            time);

        if (!options.EnableMcp)
        {
            _state = McpLinkState.Disabled;
            _stateDetail = "ENABLE_MCP=false";
            return;
        }

        _state = McpLinkState.Connecting;
        _stateDetail = $"connecting to {options.McpHost}:{options.McpPort}";
        _pool = new ConnectionPool<McpConnection>(
            CreatePooledConnectionAsync,
            new ConnectionPoolOptions
            {
                MinConnections = 0,
                MaxConnections = 8,
                HardMaxConnections = 32,
                MaxIdleConnections = 8,
                WaitTimeout = TimeSpan.FromSeconds(5),
            },
            time,
            loggers.CreateLogger("VisionFlow.Mcp.Pool"));
        _reconnect = new ReconnectSupervisor(
            EstablishAsync,
            new ReconnectOptions
            {
                Attempts = options.McpReconnectAttempts,
                Delay = options.McpReconnectDelay,
                ConnectTimeout = options.McpConnectionTimeout,
                FirstAttemptTimeout = options.McpReconnectAttemptTimeout,
                MaxProbeDelay = TimeSpan.FromSeconds(10),
            },
            time,
            loggers.CreateLogger("VisionFlow.Mcp.Reconnect"),
            Resilience.CircuitBreaker,
            Degradation);
        _health = new McpHealthChecker(
            HealthPingAsync,
            new HealthCheckerOptions { Interval = options.HealthCheckInterval, Timeout = TimeSpan.FromSeconds(3) },
            time,
            loggers.CreateLogger("VisionFlow.Mcp.Health"));
        _health.Checked += OnHealthChecked;
        _adaptive = new AdaptiveTuner(Resilience.Tuning, _pool, AdaptiveInputSource.Create(Resilience, _health, _pool), new AdaptiveTuningOptions(), time, loggers.CreateLogger("VisionFlow.Mcp.Adaptive"));
    }

    public McpResilience Resilience { get; }

    public GracefulDegradationManager Degradation { get; }

    public McpTelemetrySource Telemetry { get; }

    public TelemetryIntake Intake { get; }

    public ServerProfile? Profile => Volatile.Read(ref _profile);

    public McpLinkState State => _state;

    public string StateDetail => Volatile.Read(ref _stateDetail);

    public NetworkResilienceMetrics Metrics =>
        NetworkResilienceMetrics.Capture(Resilience, Degradation, _pool, _health, _reconnect, _adaptive, _time);

    /// <summary>Starts the intake and, when MCP is enabled, the first connection attempt in the background.</summary>
    public void Start()
    {
        _intakeLoop = Task.Run(() => Intake.RunAsync(_stopping.Token));
        if (_reconnect is null)
        {
            return;
        }

        _health!.Start();
        _adaptive!.Start();
        _ = Task.Run(async () =>
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                timeout.CancelAfter(_options.McpConnectionTimeout);
                await EstablishAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                MarkUnavailable(ex);
                _reconnect.ConnectionLost(ex);
            }
        });
    }

    /// <summary>Runs one operation against the server through the pool and the resilience pipeline.</summary>
    /// <exception cref="McpUnavailableException">No server is connected.</exception>
    public async ValueTask<T> ExecuteAsync<T>(Func<SwarmClient, CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
    {
        if (_pool is null)
        {
            throw new McpUnavailableException("MCP is disabled (ENABLE_MCP=false)");
        }

        var profile = Profile;
        // Only a server never reached is refused up front. After a loss, requests still go through the pipeline: their
        // failures are what opens the circuit breaker, and its rejections are what keeps a dead peer cheap.
        if (profile is null)
        {
            throw new McpUnavailableException($"MCP server {_options.McpHost}:{_options.McpPort} is not connected: {StateDetail}");
        }

        try
        {
            return await Resilience.Pipeline.ExecuteAsync(
                static async (state, ct) =>
                {
                    var lease = await state.Pool.RentAsync(ct).ConfigureAwait(false);
                    await using (lease.ConfigureAwait(false))
                    {
                        try
                        {
                            return await state.Operation(new SwarmClient(lease.Connection.Rpc, state.Profile), ct).ConfigureAwait(false);
                        }
                        catch (JsonRpcConnectionClosedException)
                        {
                            lease.MarkBroken();
                            throw;
                        }
                    }
                },
                (Pool: _pool, Operation: operation, Profile: profile),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (GracefulDegradationManager.Classify(ex) is not null)
            {
                Degradation.HandleFailure(ex);
                if (ex is not JsonRpcException)
                {
                    MarkUnavailable(ex);
                    _reconnect!.ConnectionLost(ex);
                }
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The host stops it explicitly (ordered shutdown) and the container disposes it again: only the first counts.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
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

        if (_reconnect is not null)
        {
            await _reconnect.DisposeAsync().ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref _telemetryConnection, null) is { } telemetry)
        {
            await telemetry.DisposeAsync().ConfigureAwait(false);
        }

        if (_pool is not null)
        {
            await _pool.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await _intakeLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stopping.Dispose();
        _establishing.Dispose();
    }

    /// <summary>
    /// (Re-)establishes the link: detects the server's dialect and tools on a fresh connection (the peer may have changed
    /// while we were away), then starts telemetry by push when the server accepts <c>telemetry.subscribe</c>, else by polling.
    /// </summary>
    private async ValueTask EstablishAsync(CancellationToken cancellationToken)
    {
        await _establishing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var rpc = await OpenAsync(OnTelemetryLine, cancellationToken).ConfigureAwait(false);
            ServerProfile profile;
            try
            {
                await AuthenticateAsync(rpc, cancellationToken).ConfigureAwait(false);
                profile = await ServerProfile.DetectAsync(rpc, BuildInfo.Version, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await rpc.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            Volatile.Write(ref _profile, profile);
            var pushing = false;
            try
            {
                await new PlainDialectClient(rpc).SubscribeTelemetryAsync(
                    new TelemetrySubscribeParams { Events = TelemetryEvents, IntervalMs = 100 }, cancellationToken).ConfigureAwait(false);
                pushing = true;
            }
            catch (JsonRpcException ex) when (ex.Code == JsonRpcErrorCodes.MethodNotFound)
            {
                // Claude Flow's MCP server has no push: poll its agent listing at the same interval.
            }

            if (!pushing)
            {
                await rpc.DisposeAsync().ConfigureAwait(false);
            }

            JsonRpcConnection? previous;
            lock (_link)
            {
                // Link state and telemetry mode change together, so a stale failure racing this reconnect can never leave
                // "connected" with telemetry switched off (or the reverse).
                previous = Interlocked.Exchange(ref _telemetryConnection, pushing ? rpc : null);
                if (pushing)
                {
                    Telemetry.UsePush();
                }
                else
                {
                    Telemetry.UsePoll();
                }

                _state = McpLinkState.Connected;
                Volatile.Write(ref _stateDetail, $"connected to {profile.Describe()} at {_options.McpHost}:{_options.McpPort}, telemetry by {Telemetry.Mode}");
            }

            if (previous is not null)
            {
                await previous.DisposeAsync().ConfigureAwait(false);
            }

            if (pushing)
            {
                _ = rpc.Completion.ContinueWith(
                    static (_, state) =>
                    {
                        var (gateway, connection) = ((McpGateway, JsonRpcConnection))state!;
                        gateway.OnTelemetryConnectionClosed(connection);
                    },
                    (this, rpc),
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }

            McpLog.Connected(_logger, profile.Describe(), Telemetry.Mode);
            Degradation.ReportHealthy();
        }
        finally
        {
            _establishing.Release();
        }
    }

    private void OnTelemetryConnectionClosed(JsonRpcConnection connection)
    {
        // A connection replaced by a reconnect closes too: only the current one's loss means the link is down.
        if (_stopping.IsCancellationRequested || !ReferenceEquals(Volatile.Read(ref _telemetryConnection), connection))
        {
            return;
        }

        var reason = connection.CloseException ?? new JsonRpcConnectionClosedException(JsonRpcCloseReason.PeerClosed, "telemetry connection closed");
        MarkUnavailable(reason);
        _reconnect?.ConnectionLost(reason);
    }

    private void MarkUnavailable(Exception cause)
    {
        lock (_link)
        {
            _state = McpLinkState.Unavailable;
            Volatile.Write(ref _stateDetail, $"{_options.McpHost}:{_options.McpPort} unreachable: {cause.Message}");
            Telemetry.SetUnavailable();
        }
    }

    private void OnHealthChecked(HealthCheckResult result)
    {
        if (result.Succeeded)
        {
            if (_state == McpLinkState.Connected)
            {
                Degradation.ReportHealthy();
            }
            else if (_state == McpLinkState.Unavailable && _reconnect!.State == ReconnectState.Connected)
            {
                // The server answers but a stale failure marked the link down after the last reconnect finished:
                // re-establish (and re-subscribe telemetry) rather than stay dark.
                _reconnect.ConnectionLost(new IOException("link marked down while the server answers; re-establishing"));
            }
        }
        else if (_state == McpLinkState.Connected && _health!.Status == HealthStatus.Unhealthy)
        {
            var cause = new IOException("health checks failing: " + result.Error);
            MarkUnavailable(cause);
            _reconnect!.ConnectionLost(cause);
        }
    }

    /// <summary>The periodic ping goes through the same pipeline as commands, so a dead peer trips the breaker even when idle.</summary>
    private async ValueTask HealthPingAsync(CancellationToken cancellationToken) =>
        await ExecuteAsync(
            static async (client, ct) =>
            {
                await client.PingAsync(ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);

    private async ValueTask<TelemetryPoll> PollAgentsAsync(CancellationToken cancellationToken)
    {
        if (_state != McpLinkState.Connected)
        {
            return TelemetryPoll.Unavailable;
        }

        try
        {
            var json = await ExecuteAsync(static (client, ct) => client.ListAgentsJsonAsync(ct), cancellationToken).ConfigureAwait(false);
            return TelemetryPoll.FromJson(Encoding.UTF8.GetBytes(json));
        }
        catch (Exception ex) when (ex is McpUnavailableException or JsonRpcException or IOException or TimeoutException or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException or PoolExhaustedException)
        {
            return TelemetryPoll.Unavailable;
        }
    }

    private void OnTelemetryLine(ReadOnlySpan<byte> line) => Telemetry.Push.Post(line);

    private async ValueTask<McpConnection> CreatePooledConnectionAsync(CancellationToken cancellationToken)
    {
        var rpc = await OpenAsync(null, cancellationToken).ConfigureAwait(false);
        try
        {
            await AuthenticateAsync(rpc, cancellationToken).ConfigureAwait(false);
            if (Profile is { Dialect: ServerDialect.Mcp })
            {
                await ServerProfile.HandshakeAsync(rpc, BuildInfo.Version, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await rpc.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new McpConnection(rpc);
    }

    private async ValueTask<JsonRpcConnection> OpenAsync(JsonRpcPushHandler? onPush, CancellationToken cancellationToken)
    {
        var socket = await _connector.ConnectAsync(_options.McpHost, _options.McpPort, cancellationToken).ConfigureAwait(false);
        return JsonRpcConnection.Create(socket, new JsonRpcConnectionOptions
        {
            OnPush = onPush,
            Logger = _loggers.CreateLogger("VisionFlow.Mcp.Rpc"),
            TimeProvider = _time,
            Name = $"mcp {_options.McpHost}:{_options.McpPort}",
        });
    }

    /// <summary>The Claude Flow TCP bridge's optional first request; a wrong key is an authentication failure (SafeMode).</summary>
    private async ValueTask AuthenticateAsync(JsonRpcConnection rpc, CancellationToken cancellationToken)
    {
        if (_options.McpApiKey is not { } key)
        {
            return;
        }

        try
        {
            await new McpBridgeClient(rpc).AuthenticateAsync(new McpAuthenticateParams { Token = key }, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonRpcException ex) when (ex.Code == JsonRpcErrorCodes.ServerError)
        {
            Degradation.HandleFailure(McpFailureType.AuthenticationFailure);
            throw new JsonRpcException(JsonRpcErrorCodes.ServerError, "MCP authentication failed: " + ex.Message, ex);
        }
    }
}

using VisionFlow.Connections.Health;
using VisionFlow.Connections.Pooling;
using VisionFlow.Connections.Resilience;

namespace VisionFlow.Connections.Link;

/// <summary>
/// Every number of the MCP link in one record, validated once, up front. Each setting is checked against its own
/// range only; where two settings meet (an attempt bound and the connect timeout, a probe delay and the reconnect
/// delay), the link clamps rather than refuses, so any combination of in-range values works.
/// </summary>
public sealed record McpLinkOptions
{
    /// <summary>Server host (<c>CLAUDE_FLOW_HOST</c>).</summary>
    public string Host { get; init; } = "claude-flow-mcp";

    /// <summary>Server TCP port (<c>MCP_TCP_PORT</c>).</summary>
    public int Port { get; init; } = 9500;

    /// <summary>
    /// The command that starts the MCP server as a child process spoken to over stdio (<c>VISIONFLOW_MCP_COMMAND</c>, for
    /// example <c>npx claude-flow mcp start</c>), split like a shell command line without a shell; null connects over TCP
    /// to <see cref="Host"/>:<see cref="Port"/>.
    /// </summary>
    public string? Command { get; init; }

    /// <summary>Whether to connect at all (<c>ENABLE_MCP</c>).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Token for the bridge's <c>authenticate</c> request (<c>MCP_API_KEY</c>); null sends none.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Our version, sent in <c>initialize</c>'s <c>clientInfo</c>.</summary>
    public string ClientVersion { get; init; } = "0.0.0";

    /// <summary>Quick attempts at <see cref="ReconnectDelay"/> after a loss before backed-off probing (<c>MCP_RECONNECT_ATTEMPTS</c>, 0-100).</summary>
    public int ReconnectAttempts { get; init; } = 3;

    /// <summary>Delay between quick attempts, and the base of the probe backoff (<c>MCP_RECONNECT_DELAY</c>).</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bound on one connection attempt, the first one included, and on one request (<c>MCP_CONNECTION_TIMEOUT</c>).</summary>
    public TimeSpan ConnectionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Bound on the first attempt after a loss (<c>MCP_RECONNECT_ATTEMPT_TIMEOUT</c>), doubled per timed-out attempt up to
    /// <see cref="ConnectionTimeout"/>: a peer that accepts and never answers costs seconds per attempt, not the whole timeout.
    /// </summary>
    public TimeSpan ReconnectAttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Cap on the probe delay (never below <see cref="ReconnectDelay"/>): probing never stops, it only slows to this.</summary>
    public TimeSpan MaxProbeDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per request, the first included (transient failures only are retried).</summary>
    public int RequestAttempts { get; init; } = 3;

    /// <summary>Bound on one attempt of a request (never above <see cref="ConnectionTimeout"/>, the whole request's bound).</summary>
    public TimeSpan RequestAttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Delay before a request's first retry; later ones double, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryInitialDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Cap on a request's retry delay.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive transient failures (connection attempts included) that open the circuit breaker.</summary>
    public int BreakerFailureThreshold { get; init; } = 5;

    /// <summary>How long the breaker stays open before one probe call is let through.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Ping interval (<c>VISIONFLOW_HEALTH_INTERVAL</c>).</summary>
    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Bound on one ping.</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Healthy time per degradation recovery step (<c>VISIONFLOW_RECOVERY_INTERVAL</c>).</summary>
    public TimeSpan RecoveryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Pooled connections for requests (the adaptive tuner may grow it up to <see cref="PoolHardMaxConnections"/>).</summary>
    public int PoolMaxConnections { get; init; } = 8;

    /// <summary>The adaptive tuner's ceiling for the pool.</summary>
    public int PoolHardMaxConnections { get; init; } = 32;

    /// <summary>How long a request waits for a pooled connection to become free.</summary>
    public TimeSpan PoolWaitTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The interval the server is asked to push telemetry at (<c>telemetry.subscribe</c>'s <c>interval_ms</c>).</summary>
    public TimeSpan TelemetryInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Fastest poll of a server without push: while the listing changes or a command of ours is in flight (<c>VISIONFLOW_POLL_MIN_INTERVAL</c>).</summary>
    public TimeSpan PollMinInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Slowest poll, reached by doubling while the listing stays the same (<c>VISIONFLOW_POLL_MAX_INTERVAL</c>; never below the minimum).</summary>
    public TimeSpan PollMaxInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bytes of pushed telemetry buffered for the reader of <see cref="McpLink.Sessions"/> (lines beyond it are dropped and counted).</summary>
    public int PushBufferBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Event globs asked for in <c>telemetry.subscribe</c>.</summary>
    public IReadOnlyList<string> TelemetryEvents { get; init; } = ["agent.*", "message.*", "metrics.*"];

    /// <summary>The server as people are told it: <c>host:port</c>, or the command that starts it.</summary>
    public string Address => Command ?? $"{Host}:{Port}";

    /// <summary>What to do when the server cannot be reached, for the log line that says so.</summary>
    internal string Remedy => Command is null
        ? "Point CLAUDE_FLOW_HOST / MCP_TCP_PORT at your MCP server, or run `visionflow --simulator` to try VisionFlow with the built-in simulator"
        : "Check VISIONFLOW_MCP_COMMAND (the command that starts your MCP server over stdio), or run `visionflow --simulator` to try VisionFlow with the built-in simulator";

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid setting.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Host)) errors.Add("Host is required");
        if (Command is not null && Transport.CommandLine.Split(Command, out var commandError) is null) errors.Add($"Command '{Command}': {commandError}");
        if (Port is < 1 or > 65535) errors.Add($"Port must be in [1, 65535] (was {Port})");
        if (ReconnectAttempts is < 0 or > 100) errors.Add($"ReconnectAttempts must be in [0, 100] (was {ReconnectAttempts})");
        Positive(errors, ReconnectDelay, nameof(ReconnectDelay));
        Positive(errors, ConnectionTimeout, nameof(ConnectionTimeout));
        Positive(errors, ReconnectAttemptTimeout, nameof(ReconnectAttemptTimeout));
        Positive(errors, MaxProbeDelay, nameof(MaxProbeDelay));
        if (RequestAttempts is < 1 or > 100) errors.Add($"RequestAttempts must be in [1, 100] (was {RequestAttempts})");
        Positive(errors, RequestAttemptTimeout, nameof(RequestAttemptTimeout));
        if (RetryInitialDelay < TimeSpan.Zero) errors.Add($"RetryInitialDelay must be >= 0 (was {RetryInitialDelay})");
        Positive(errors, RetryMaxDelay, nameof(RetryMaxDelay));
        if (BreakerFailureThreshold < 1) errors.Add($"BreakerFailureThreshold must be >= 1 (was {BreakerFailureThreshold})");
        Positive(errors, BreakDuration, nameof(BreakDuration));
        Positive(errors, HealthInterval, nameof(HealthInterval));
        Positive(errors, HealthTimeout, nameof(HealthTimeout));
        if (RecoveryInterval < TimeSpan.Zero) errors.Add($"RecoveryInterval must be >= 0 (was {RecoveryInterval})");
        if (PoolMaxConnections < 1) errors.Add($"PoolMaxConnections must be >= 1 (was {PoolMaxConnections})");
        Positive(errors, PoolWaitTimeout, nameof(PoolWaitTimeout));
        Positive(errors, TelemetryInterval, nameof(TelemetryInterval));
        Positive(errors, PollMinInterval, nameof(PollMinInterval));
        Positive(errors, PollMaxInterval, nameof(PollMaxInterval));
        if (PushBufferBytes < 4096) errors.Add($"PushBufferBytes must be >= 4096 (was {PushBufferBytes})");
        if (TelemetryEvents is null || TelemetryEvents.Count == 0) errors.Add("TelemetryEvents must name at least one event glob");
        OptionsErrors.ThrowIfAny(errors, "MCP link options");
    }

    /// <summary>The request pipeline's settings (timeouts, retry, breaker), derived from these.</summary>
    internal McpResilienceOptions ToResilienceOptions() => new()
    {
        TotalTimeout = ConnectionTimeout,
        AttemptTimeout = Min(RequestAttemptTimeout, ConnectionTimeout),
        MaxAttempts = RequestAttempts,
        InitialDelay = Min(RetryInitialDelay, RetryMaxDelay),
        MaxDelay = RetryMaxDelay,
        FailureThreshold = BreakerFailureThreshold,
        BreakDuration = BreakDuration,
    };

    /// <summary>The request pool's settings.</summary>
    internal ConnectionPoolOptions ToPoolOptions() => new()
    {
        MinConnections = 0,
        MaxConnections = PoolMaxConnections,
        HardMaxConnections = Math.Max(PoolHardMaxConnections, PoolMaxConnections),
        MaxIdleConnections = PoolMaxConnections,
        WaitTimeout = PoolWaitTimeout,
    };

    /// <summary>The health checker's settings.</summary>
    internal HealthCheckerOptions ToHealthOptions() => new() { Interval = HealthInterval, Timeout = HealthTimeout };

    /// <summary>Probe delay cap, never below the quick-attempt delay.</summary>
    internal TimeSpan EffectiveMaxProbeDelay => MaxProbeDelay > ReconnectDelay ? MaxProbeDelay : ReconnectDelay;

    /// <summary>Slowest poll, never below the fastest.</summary>
    internal TimeSpan EffectivePollMaxInterval => PollMaxInterval > PollMinInterval ? PollMaxInterval : PollMinInterval;

    internal static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static void Positive(List<string> errors, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero) errors.Add($"{name} must be positive (was {value})");
    }
}

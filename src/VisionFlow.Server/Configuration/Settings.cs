using Microsoft.Extensions.Logging;

namespace VisionFlow.Server.Configuration;

/// <summary>
/// Every setting the server accepts, each declared once: variable, flag, default, range, meaning and where it goes.
/// Parsing, validation, <c>--help</c>, the README table (checked by a test), <see cref="ServerOptions"/>' defaults
/// and the bounds tests all come from here.
/// </summary>
internal static class Settings
{
    /// <summary>Stands for "a PEM certificate and key made for the test" in the bounds of the TLS file settings.</summary>
    internal const string TestCertificateToken = "{test certificate}";

    /// <summary>Stands for "a fresh folder made for the test" in the bounds of the folder settings.</summary>
    internal const string TestFolderToken = "{test folder}";

    internal static readonly Setting<int> Port = new(
        "PORT", "--port", 8080, SettingRange.Integer(0, 65535, "0 picks a free port"),
        "HTTP port on 127.0.0.1 (use --urls to bind elsewhere)",
        static (o, v) => o with { Urls = [Local(v)] });

    internal static readonly Setting<IReadOnlyList<string>> Urls = new(
        "VISIONFLOW_URLS", "--urls", [Local(Port.DefaultValue)], SettingRange.UrlList(),
        "Listen addresses; win over PORT/--port; https:// needs --tls-cert and --tls-key",
        static (o, v) => o with { Urls = v });

    internal static readonly Setting<string> McpHost = new(
        "CLAUDE_FLOW_HOST", "--mcp-host", "claude-flow-mcp", SettingRange.Host(),
        "Claude Flow MCP server host",
        static (o, v) => o with { McpHost = v });

    internal static readonly Setting<int> McpPort = new(
        "MCP_TCP_PORT", "--mcp-port", 9500, SettingRange.Integer(1, 65535),
        "Claude Flow MCP server TCP port",
        static (o, v) => o with { McpPort = v });

    internal static readonly Setting<string?> McpCommand = new(
        "VISIONFLOW_MCP_COMMAND", "--mcp-command", null, SettingRange.Command(),
        "Start the MCP server as a child process and speak to it over stdio instead of TCP (e.g. npx claude-flow mcp start): restarted with backoff when it exits, stopped with the service, its stderr logged at debug; CLAUDE_FLOW_HOST and MCP_TCP_PORT are then unused",
        static (o, v) => o with { McpCommand = v },
        defaultNote: "none (TCP)");

    internal static readonly Setting<bool> EnableMcp = new(
        "ENABLE_MCP", "--enable-mcp", true, SettingRange.Boolean(),
        "Connect to the MCP server at all (false: MCP is reported as disabled, not as a degradation)",
        static (o, v) => o with { EnableMcp = v });

    internal static readonly Setting<bool> Simulator = new(
        "VISIONFLOW_SIMULATOR", "--simulator", false, SettingRange.Boolean(),
        "Run the built-in swarm simulator in-process on a free 127.0.0.1 port and connect to it instead of CLAUDE_FLOW_HOST:MCP_TCP_PORT (all its data is labelled simulated)",
        static (o, v) => o with { Simulator = v },
        isSwitch: true);

    internal static readonly Setting<int> SimulatorAgents = new(
        "VISIONFLOW_SIMULATOR_AGENTS", "--simulator-agents", 12, SettingRange.Integer(0, 100_000),
        "Agents the built-in simulator starts with (--simulator); MCP_MAX_AGENTS still bounds what is tracked",
        static (o, v) => o with { SimulatorAgents = v });

    internal static readonly Setting<int> ReconnectAttempts = new(
        "MCP_RECONNECT_ATTEMPTS", "--mcp-reconnect-attempts", 3, SettingRange.Integer(0, 100),
        "Quick reconnect attempts after a loss, before capped-backoff background probing takes over (forever)",
        static (o, v) => o with { McpReconnectAttempts = v });

    internal static readonly Setting<TimeSpan> ReconnectDelay = new(
        "MCP_RECONNECT_DELAY", "--mcp-reconnect-delay", TimeSpan.FromMilliseconds(1000), SettingRange.Milliseconds(10, 600_000),
        "Base delay between reconnect attempts",
        static (o, v) => o with { McpReconnectDelay = v });

    internal static readonly Setting<TimeSpan> ConnectionTimeout = new(
        "MCP_CONNECTION_TIMEOUT", "--mcp-connection-timeout", TimeSpan.FromMilliseconds(30_000), SettingRange.Milliseconds(100, 600_000),
        "Timeout for establishing an MCP connection; a command sent while a connection attempt is in progress waits up to this long",
        static (o, v) => o with { McpConnectionTimeout = v });

    internal static readonly Setting<TimeSpan> ReconnectAttemptTimeout = new(
        "MCP_RECONNECT_ATTEMPT_TIMEOUT", "--mcp-reconnect-attempt-timeout", TimeSpan.FromMilliseconds(5000), SettingRange.Milliseconds(100, 600_000),
        "Bound on the first reconnect attempt after a loss, doubled per timed-out attempt up to MCP_CONNECTION_TIMEOUT",
        static (o, v) => o with { McpReconnectAttemptTimeout = v });

    internal static readonly Setting<int> MaxAgents = new(
        "MCP_MAX_AGENTS", "--mcp-max-agents", 50, SettingRange.Integer(1, 100_000),
        "Most agents tracked or spawned: slots are reserved before a spawn is sent, so spawns beyond it get 409 however many arrive at once; agents the server reports beyond it are counted (agents_over_limit), not shown",
        static (o, v) => o with { McpMaxAgents = v });

    internal static readonly Setting<string?> ApiKey = new(
        "VISIONFLOW_API_KEY", "--api-key", null, SettingRange.Token(16, 512),
        "API key required on REST and /ws when set (Bearer token, X-Api-Key header, or the viewer's session cookie); health and the viewer's files stay open",
        static (o, v) => o with { ApiKey = v },
        defaultNote: "none",
        secret: true);

    internal static readonly Setting<string?> McpApiKey = new(
        "MCP_API_KEY", "--mcp-api-key", null, SettingRange.Token(1, 512),
        "Token sent to the MCP bridge in its authenticate request",
        static (o, v) => o with { McpApiKey = v },
        defaultNote: "none",
        secret: true);

    internal static readonly Setting<int> RateLimit = new(
        "VISIONFLOW_RATE_LIMIT", "--rate-limit", 200, SettingRange.Integer(0, 1_000_000, "requests/s per client; 0 = off"),
        "Per-client request rate limit; excess requests get 429 with Retry-After",
        static (o, v) => o with { RateLimitPerSecond = v });

    internal static readonly Setting<TimeSpan> HealthInterval = new(
        "VISIONFLOW_HEALTH_INTERVAL", "--health-interval", TimeSpan.FromMilliseconds(5000), SettingRange.Milliseconds(50, 600_000),
        "How often the MCP link is pinged",
        static (o, v) => o with { HealthCheckInterval = v });

    internal static readonly Setting<TimeSpan> RecoveryInterval = new(
        "VISIONFLOW_RECOVERY_INTERVAL", "--recovery-interval", TimeSpan.FromMilliseconds(5000), SettingRange.Milliseconds(50, 3_600_000),
        "Healthy time before degradation climbs back one level, counted from the moment the link is healthy again",
        static (o, v) => o with { DegradationRecoveryInterval = v });

    internal static readonly Setting<TimeSpan> PollMinInterval = new(
        "VISIONFLOW_POLL_MIN_INTERVAL", "--poll-min-interval", TimeSpan.FromMilliseconds(100), SettingRange.Milliseconds(10, 600_000),
        "Fastest agent-listing poll of an MCP server without telemetry push (Claude Flow), used while agents change or a command runs",
        static (o, v) => o with { PollMinInterval = v });

    internal static readonly Setting<TimeSpan> PollMaxInterval = new(
        "VISIONFLOW_POLL_MAX_INTERVAL", "--poll-max-interval", TimeSpan.FromMilliseconds(1000), SettingRange.Milliseconds(10, 3_600_000),
        "Slowest poll, reached by doubling while nothing changes (raise it to lighten the load on the MCP server; never below the fastest)",
        static (o, v) => o with { PollMaxInterval = v });

    internal static readonly Setting<TimeSpan> StructurePollInterval = new(
        "VISIONFLOW_STRUCTURE_POLL_INTERVAL", "--structure-poll-interval", TimeSpan.FromMilliseconds(2000), SettingRange.Milliseconds(100, 3_600_000),
        "How often the MCP server's swarms and tasks are read while connected (at once after a command that changes them; while reads find nothing new, up to 8 times further apart)",
        static (o, v) => o with { StructurePollInterval = v });

    internal static readonly Setting<string?> KnowledgeFolder = new(
        "VISIONFLOW_KNOWLEDGE_DIR", "--knowledge-dir", null, SettingRange.ExistingFolder("of .md notes"),
        "Markdown notes for the knowledge graph ([[wiki links]], relative links); watched and reloaded on change",
        static (o, v) => o with { KnowledgeFolder = v },
        defaultNote: "embedded sample notes");

    internal static readonly Setting<string> PhysicsBackend = new(
        "VISIONFLOW_PHYSICS_BACKEND", "--physics-backend", "auto", SettingRange.Choice(("auto", "auto"), ("vulkan", "vulkan"), ("cpu", "cpu")),
        "Physics backend: auto prefers a hardware Vulkan device, else the SIMD CPU path; vulkan insists (lavapipe counts)",
        static (o, v) => o with { PhysicsBackend = v });

    internal static readonly Setting<string?> TlsCertificate = new(
        "VISIONFLOW_TLS_CERT", "--tls-cert", null, SettingRange.PemFile("with the certificate, then any intermediates"),
        "TLS certificate for https:// addresses, sent with its intermediates as the chain; reloaded when the file changes",
        static (o, v) => o with { TlsCertificatePath = v },
        defaultNote: "none");

    internal static readonly Setting<string?> TlsKey = new(
        "VISIONFLOW_TLS_KEY", "--tls-key", null, SettingRange.PemFile("with the certificate's unencrypted private key"),
        "Private key of --tls-cert; reloaded when the file changes (a bad pair at start: one line, exit 2)",
        static (o, v) => o with { TlsKeyPath = v },
        defaultNote: "none");

    internal static readonly Setting<IReadOnlyList<string>> AllowedOrigins = new(
        "VISIONFLOW_ALLOWED_ORIGINS", "--allowed-origins", [], SettingRange.OriginList(),
        "Browser origins besides the service's own that may open /ws and send writes (a reverse proxy's public origin)",
        static (o, v) => o with { AllowedOrigins = v },
        defaultNote: "the service's own origin only");

    internal static readonly Setting<TimeSpan> ShutdownTimeout = new(
        "VISIONFLOW_SHUTDOWN_TIMEOUT", "--shutdown-timeout", TimeSpan.FromMilliseconds(5000), SettingRange.Milliseconds(100, 600_000),
        "On SIGTERM or Ctrl+C: bound on closing /ws clients (1001) and finishing in-flight requests before exit 0",
        static (o, v) => o with { ShutdownTimeout = v });

    internal static readonly Setting<bool> History = new(
        "VISIONFLOW_HISTORY", "--history", true, SettingRange.Boolean(),
        "Record every change (agents, edges, link, degradation, commands, knowledge notes) for /api/history, export and replay (false: nothing is written)",
        static (o, v) => o with { History = v });

    internal static readonly Setting<string?> HistoryFolder = new(
        "VISIONFLOW_HISTORY_DIR", "--history-dir", null, SettingRange.Folder("for the history segments"),
        "Where history is recorded; one service per folder (a second one finds it locked and records nothing)",
        static (o, v) => o with { HistoryFolder = v },
        defaultNote: "$STATE_DIRECTORY (systemd's StateDirectory=), else $XDG_STATE_HOME/visionflow/history, else ~/.local/state/visionflow/history");

    internal static readonly Setting<long> HistoryMaxBytes = new(
        "VISIONFLOW_HISTORY_MAX_BYTES", "--history-max-bytes", 256L * 1024 * 1024, SettingRange.Bytes(1024 * 1024, 1L << 40),
        "Most bytes the history folder holds: the oldest segments go first",
        static (o, v) => o with { HistoryMaxBytes = v });

    internal static readonly Setting<TimeSpan> HistoryRetention = new(
        "VISIONFLOW_HISTORY_RETENTION", "--history-retention", TimeSpan.FromDays(7), SettingRange.Duration(TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650)),
        "How long history is kept: older segments go (whichever of this and the size bound comes first)",
        static (o, v) => o with { HistoryRetention = v });

    internal static readonly Setting<LogFormat> LogFormatSetting = new(
        "VISIONFLOW_LOG_FORMAT", "--log-format", LogFormat.Text,
        SettingRange.Choice(("text", LogFormat.Text), ("json", LogFormat.Json), ("systemd", LogFormat.Systemd)),
        "Console log format (json = one JSON object per line; systemd = syslog priority prefixes, no timestamps, for journald)",
        static (o, v) => o with { LogFormat = v },
        defaultNote: "systemd when stdout is the journal");

    internal static readonly Setting<LogLevel> LogLevelSetting = new(
        "VISIONFLOW_LOG_LEVEL", "--log-level", LogLevel.Information, SettingRange.EnumChoice<LogLevel>(),
        "Lowest log level written",
        static (o, v) => o with { LogLevel = v });

    /// <summary>All settings, in help order. Port precedes Urls so that an explicit URL list wins when both are given.</summary>
    internal static readonly IReadOnlyList<Setting> All =
    [
        Port, Urls, McpHost, McpPort, McpCommand, EnableMcp, Simulator, SimulatorAgents, ReconnectAttempts, ReconnectDelay, ConnectionTimeout,
        ReconnectAttemptTimeout, MaxAgents, McpApiKey, ApiKey, RateLimit, HealthInterval, RecoveryInterval, PollMinInterval, PollMaxInterval,
        StructurePollInterval, KnowledgeFolder, PhysicsBackend, TlsCertificate, TlsKey, AllowedOrigins, ShutdownTimeout, History, HistoryFolder,
        HistoryMaxBytes, HistoryRetention, LogFormatSetting, LogLevelSetting,
    ];

    /// <summary>
    /// Checks what no single setting can: https addresses need a certificate and its key, and a certificate without an
    /// https address would silently serve plain HTTP. Returns the one-line error, or null when the combination is valid.
    /// </summary>
    internal static string? ValidateCombination(ServerOptions options)
    {
        var https = options.Urls.Any(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
        if ((options.TlsCertificatePath is null) != (options.TlsKeyPath is null))
        {
            return $"{TlsCertificate.Env} ({TlsCertificate.Flag}) and {TlsKey.Env} ({TlsKey.Flag}) go together: set both or neither";
        }

        if (https && options.TlsCertificatePath is null)
        {
            return $"{Urls.Env} has an https:// address but no certificate: set {TlsCertificate.Env} ({TlsCertificate.Flag}) and {TlsKey.Env} ({TlsKey.Flag}) to PEM files";
        }

        if (!https && options.TlsCertificatePath is not null)
        {
            return $"{TlsCertificate.Env} is set but no {Urls.Env} address is https://, so it would not be used";
        }

        return null;
    }

    private static string Local(int port) => $"http://127.0.0.1:{port}";
}

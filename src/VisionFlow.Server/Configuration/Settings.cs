using System.Globalization;
using Microsoft.Extensions.Logging;

namespace VisionFlow.Server.Configuration;

/// <summary>The table of every setting the server accepts; help text, README and validation all come from here.</summary>
internal static class Settings
{
    internal static readonly Setting Port = new(
        "PORT", "--port", "8080", "an integer 0-65535 (0 picks a free port)",
        "HTTP port on 127.0.0.1 (use --urls to bind elsewhere)",
        static (o, v) => TryInt(v, 0, 65535, out var p) ? o with { Urls = [$"http://127.0.0.1:{p}"] } : null,
        Bounds: ["0", "65535"]);

    internal static readonly Setting Urls = new(
        "VISIONFLOW_URLS", "--urls", "http://127.0.0.1:8080", "';'-separated http://host:port or https://host:port URLs",
        "Listen addresses; win over PORT/--port; https:// needs --tls-cert and --tls-key",
        static (o, v) => TryUrls(v, out var urls) ? o with { Urls = urls } : null,
        Bounds: ["http://127.0.0.1:0", "http://127.0.0.1:0;http://127.0.0.1:0"]);

    internal static readonly Setting McpHost = new(
        "CLAUDE_FLOW_HOST", "--mcp-host", "claude-flow-mcp", "a host name or IP address (1-253 characters, no spaces)",
        "Claude Flow MCP server host",
        static (o, v) => IsHost(v) ? o with { McpHost = v } : null,
        Bounds: ["127.0.0.1", string.Join('.', new string('a', 63), new string('b', 63), new string('c', 63), new string('d', 61))]);

    internal static readonly Setting McpPort = new(
        "MCP_TCP_PORT", "--mcp-port", "9500", "an integer 1-65535",
        "Claude Flow MCP server TCP port",
        static (o, v) => TryInt(v, 1, 65535, out var p) ? o with { McpPort = p } : null,
        Bounds: ["1", "65535"]);

    internal static readonly Setting EnableMcp = new(
        "ENABLE_MCP", "--enable-mcp", "true", "true or false (also 1/0, yes/no, on/off)",
        "Connect to the MCP server at all",
        static (o, v) => TryBool(v, out var b) ? o with { EnableMcp = b } : null,
        Bounds: ["true", "false", "1", "0", "yes", "no", "on", "off"]);

    internal static readonly Setting Simulator = new(
        "VISIONFLOW_SIMULATOR", "--simulator", "false", "true or false (also 1/0, yes/no, on/off); the flag alone means true",
        "Run the built-in swarm simulator in-process on a free 127.0.0.1 port and connect to it instead of CLAUDE_FLOW_HOST:MCP_TCP_PORT (all its data is labelled simulated)",
        static (o, v) => TryBool(v, out var b) ? o with { Simulator = b } : null,
        Switch: true,
        Bounds: ["true", "false"]);

    internal static readonly Setting SimulatorAgents = new(
        "VISIONFLOW_SIMULATOR_AGENTS", "--simulator-agents", "12", "an integer 0-100000",
        "Agents the built-in simulator starts with (--simulator); MCP_MAX_AGENTS still bounds what is tracked",
        static (o, v) => TryInt(v, 0, 100_000, out var n) ? o with { SimulatorAgents = n } : null,
        Bounds: ["0", "100000"]);

    internal static readonly Setting ReconnectAttempts = new(
        "MCP_RECONNECT_ATTEMPTS", "--mcp-reconnect-attempts", "3", "an integer 0-100",
        "Reconnect attempts before capped background probing takes over",
        static (o, v) => TryInt(v, 0, 100, out var n) ? o with { McpReconnectAttempts = n } : null,
        Bounds: ["0", "100"]);

    internal static readonly Setting ReconnectDelay = new(
        "MCP_RECONNECT_DELAY", "--mcp-reconnect-delay", "1000", "milliseconds, an integer 10-600000",
        "Base delay between reconnect attempts (ms)",
        static (o, v) => TryInt(v, 10, 600_000, out var ms) ? o with { McpReconnectDelay = TimeSpan.FromMilliseconds(ms) } : null,
        Bounds: ["10", "600000"]);

    internal static readonly Setting ConnectionTimeout = new(
        "MCP_CONNECTION_TIMEOUT", "--mcp-connection-timeout", "30000", "milliseconds, an integer 100-600000",
        "Timeout for establishing an MCP connection (ms)",
        static (o, v) => TryInt(v, 100, 600_000, out var ms) ? o with { McpConnectionTimeout = TimeSpan.FromMilliseconds(ms) } : null,
        Bounds: ["100", "600000"]);

    internal static readonly Setting ReconnectAttemptTimeout = new(
        "MCP_RECONNECT_ATTEMPT_TIMEOUT", "--mcp-reconnect-attempt-timeout", "5000", "milliseconds, an integer 100-600000",
        "Bound on the first reconnect attempt after a loss, doubled per timed-out attempt up to MCP_CONNECTION_TIMEOUT (ms)",
        static (o, v) => TryInt(v, 100, 600_000, out var ms) ? o with { McpReconnectAttemptTimeout = TimeSpan.FromMilliseconds(ms) } : null,
        Bounds: ["100", "600000"]);

    internal static readonly Setting MaxAgents = new(
        "MCP_MAX_AGENTS", "--mcp-max-agents", "50", "an integer 1-100000",
        "Most agents tracked or spawned",
        static (o, v) => TryInt(v, 1, 100_000, out var n) ? o with { McpMaxAgents = n } : null,
        Bounds: ["1", "100000"]);

    internal static readonly Setting ApiKey = new(
        "VISIONFLOW_API_KEY", "--api-key", "(none)", "16-512 printable ASCII characters without spaces",
        "API key for REST and /ws (Bearer token, X-Api-Key header, or the viewer's session cookie)",
        static (o, v) => IsKey(v) ? o with { ApiKey = v } : null,
        Secret: true,
        Bounds: [new string('k', 16), new string('k', 512)]);

    internal static readonly Setting McpApiKey = new(
        "MCP_API_KEY", "--mcp-api-key", "(none)", "1-512 printable ASCII characters without spaces",
        "Token sent to the MCP bridge in its authenticate request",
        static (o, v) => v.Length >= 1 && IsPrintable(v) ? o with { McpApiKey = v } : null,
        Secret: true,
        Bounds: ["k", new string('k', 512)]);

    internal static readonly Setting RateLimit = new(
        "VISIONFLOW_RATE_LIMIT", "--rate-limit", "200", "an integer 0-1000000 (requests/s per client; 0 = off)",
        "Per-client request rate limit; excess requests get 429 with Retry-After",
        static (o, v) => TryInt(v, 0, 1_000_000, out var n) ? o with { RateLimitPerSecond = n } : null,
        Bounds: ["0", "1000000"]);

    internal static readonly Setting HealthInterval = new(
        "VISIONFLOW_HEALTH_INTERVAL", "--health-interval", "5000", "milliseconds, an integer 50-600000",
        "How often the MCP link is pinged (ms)",
        static (o, v) => TryInt(v, 50, 600_000, out var ms) ? o with { HealthCheckInterval = TimeSpan.FromMilliseconds(ms) } : null,
        Bounds: ["50", "600000"]);

    internal static readonly Setting RecoveryInterval = new(
        "VISIONFLOW_RECOVERY_INTERVAL", "--recovery-interval", "5000", "milliseconds, an integer 50-3600000",
        "Healthy time before degradation climbs back one level (ms)",
        static (o, v) => TryInt(v, 50, 3_600_000, out var ms) ? o with { DegradationRecoveryInterval = TimeSpan.FromMilliseconds(ms) } : null,
        Bounds: ["50", "3600000"]);

    internal static readonly Setting PollMinInterval = new(
        "VISIONFLOW_POLL_MIN_INTERVAL", "--poll-min-interval", "100", "milliseconds, an integer 10-600000",
        "Fastest agent-listing poll of an MCP server without telemetry push, used while agents change or a command runs (ms)",
        static (o, v) => TryInt(v, 10, 600_000, out var ms) ? o with { PollMinInterval = TimeSpan.FromMilliseconds(ms) } : null,
        Bounds: ["10", "600000"]);

    internal static readonly Setting PollMaxInterval = new(
        "VISIONFLOW_POLL_MAX_INTERVAL", "--poll-max-interval", "1000", "milliseconds, an integer 10-3600000",
        "Slowest poll, reached while nothing changes (raise it to lighten the load on the MCP server; never below the fastest) (ms)",
        static (o, v) => TryInt(v, 10, 3_600_000, out var ms) ? o with { PollMaxInterval = TimeSpan.FromMilliseconds(ms) } : null,
        Bounds: ["10", "3600000"]);

    internal static readonly Setting KnowledgeFolder = new(
        "VISIONFLOW_KNOWLEDGE_DIR", "--knowledge-dir", "(embedded sample notes)", "an existing folder of .md notes",
        "Markdown notes for the knowledge graph; watched and reloaded on change",
        static (o, v) => Directory.Exists(v) ? o with { KnowledgeFolder = Path.GetFullPath(v) } : null,
        Bounds: ["."]);

    internal static readonly Setting PhysicsBackend = new(
        "VISIONFLOW_PHYSICS_BACKEND", "--physics-backend", "auto", "auto, vulkan or cpu",
        "Physics backend: auto prefers a hardware Vulkan device, else the SIMD CPU path; vulkan insists (lavapipe counts)",
        static (o, v) => v.ToLowerInvariant() is "auto" or "vulkan" or "cpu" ? o with { PhysicsBackend = v.ToLowerInvariant() } : null,
        Bounds: ["auto", "vulkan", "cpu"]);

    internal static readonly Setting TlsCertificate = new(
        "VISIONFLOW_TLS_CERT", "--tls-cert", "(none)", "an existing PEM file: the certificate, then any intermediates",
        "TLS certificate for https:// addresses; reloaded when the file changes",
        static (o, v) => File.Exists(v) ? o with { TlsCertificatePath = Path.GetFullPath(v) } : null,
        Bounds: [TestCertificateToken]);

    internal static readonly Setting TlsKey = new(
        "VISIONFLOW_TLS_KEY", "--tls-key", "(none)", "an existing PEM file with the certificate's unencrypted private key",
        "Private key of --tls-cert; reloaded when the file changes",
        static (o, v) => File.Exists(v) ? o with { TlsKeyPath = Path.GetFullPath(v) } : null,
        Bounds: [TestCertificateToken]);

    internal static readonly Setting AllowedOrigins = new(
        "VISIONFLOW_ALLOWED_ORIGINS", "--allowed-origins", "(the service's own origin only)", "';'-separated origins such as https://viewer.example:8443",
        "Browser origins besides the service's own that may open /ws and send writes (a reverse proxy's public origin)",
        static (o, v) => TryOrigins(v, out var origins) ? o with { AllowedOrigins = origins } : null,
        Bounds: ["https://viewer.example:8443", "http://a.example;https://b.example:8443"]);

    internal static readonly Setting ShutdownTimeout = new(
        "VISIONFLOW_SHUTDOWN_TIMEOUT", "--shutdown-timeout", "5000", "milliseconds, an integer 100-600000",
        "On SIGTERM or Ctrl+C: bound on closing /ws clients (1001) and finishing in-flight requests before exit (ms)",
        static (o, v) => TryInt(v, 100, 600_000, out var ms) ? o with { ShutdownTimeout = TimeSpan.FromMilliseconds(ms) } : null,
        Bounds: ["100", "600000"]);

    internal static readonly Setting LogFormatSetting = new(
        "VISIONFLOW_LOG_FORMAT", "--log-format", "text (systemd when stdout is the journal)", "text, json or systemd",
        "Console log format (json = one JSON object per line; systemd = syslog priority prefixes, no timestamps, for journald)",
        static (o, v) => v.ToLowerInvariant() switch
        {
            "text" => o with { LogFormat = LogFormat.Text },
            "json" => o with { LogFormat = LogFormat.Json },
            "systemd" => o with { LogFormat = LogFormat.Systemd },
            _ => null,
        },
        Bounds: ["text", "json", "systemd"]);

    internal static readonly Setting LogLevelSetting = new(
        "VISIONFLOW_LOG_LEVEL", "--log-level", "information", "trace, debug, information, warning, error, critical or none",
        "Lowest log level written",
        static (o, v) => TryLogLevel(v, out var level) ? o with { LogLevel = level } : null,
        Bounds: ["trace", "debug", "information", "warning", "error", "critical", "none"]);

    /// <summary>Stands for "a PEM certificate and key made for the test" in the bounds of the TLS file settings.</summary>
    internal const string TestCertificateToken = "{test certificate}";

    /// <summary>All settings, in help order. Port precedes Urls so that an explicit URL list wins when both are given.</summary>
    internal static readonly IReadOnlyList<Setting> All =
    [
        Port, Urls, McpHost, McpPort, EnableMcp, Simulator, SimulatorAgents, ReconnectAttempts, ReconnectDelay, ConnectionTimeout,
        ReconnectAttemptTimeout, MaxAgents, McpApiKey, ApiKey, RateLimit, HealthInterval, RecoveryInterval, PollMinInterval, PollMaxInterval,
        KnowledgeFolder, PhysicsBackend, TlsCertificate, TlsKey, AllowedOrigins, ShutdownTimeout, LogFormatSetting, LogLevelSetting,
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

    private static bool TryInt(string value, int min, int max, out int result) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= min && result <= max;

    private static bool TryBool(string value, out bool result)
    {
        switch (value.ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "on":
                result = true;
                return true;
            case "false" or "0" or "no" or "off":
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }

    private static bool TryLogLevel(string value, out LogLevel level)
    {
        // Names only: Enum.TryParse would also accept "7" or "-1", which are not levels.
        foreach (var candidate in Enum.GetValues<LogLevel>())
        {
            if (string.Equals(candidate.ToString(), value, StringComparison.OrdinalIgnoreCase))
            {
                level = candidate;
                return true;
            }
        }

        level = default;
        return false;
    }

    private static bool IsKey(string value) => value.Length is >= 16 and <= 512 && IsPrintable(value);

    private static bool IsPrintable(string value)
    {
        if (value.Length > 512)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is <= ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsHost(string value) =>
        value.Length is > 0 and <= 253 && Uri.CheckHostName(value) != UriHostNameType.Unknown;

    private static bool TryUrls(string value, out IReadOnlyList<string> urls)
    {
        var parts = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var list = new List<string>(parts.Length);
        foreach (var part in parts)
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || uri.AbsolutePath != "/"
                || string.IsNullOrEmpty(uri.Host))
            {
                urls = [];
                return false;
            }

            list.Add(part);
        }

        urls = list;
        return list.Count > 0;
    }

    private static bool TryOrigins(string value, out IReadOnlyList<string> origins)
    {
        var parts = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var list = new List<string>(parts.Length);
        foreach (var part in parts)
        {
            // An origin is scheme://host[:port] and nothing else; a path or query here is a mistake worth refusing.
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || uri.PathAndQuery != "/"
                || !string.IsNullOrEmpty(uri.UserInfo)
                || string.IsNullOrEmpty(uri.Host))
            {
                origins = [];
                return false;
            }

            list.Add(Origins.Normalize(uri));
        }

        origins = list;
        return list.Count > 0;
    }
}

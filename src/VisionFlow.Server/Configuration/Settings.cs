using System.Globalization;
using Microsoft.Extensions.Logging;

namespace VisionFlow.Server.Configuration;

/// <summary>The table of every setting the server accepts; help text, README and validation all come from here.</summary>
internal static class Settings
{
    internal static readonly Setting Port = new(
        "PORT", "--port", "8080", "an integer 0-65535 (0 picks a free port)",
        "HTTP port on 127.0.0.1 (use --urls to bind elsewhere)",
        static (o, v) => TryInt(v, 0, 65535, out var p) ? o with { Urls = [$"http://127.0.0.1:{p}"] } : null);

    internal static readonly Setting Urls = new(
        "VISIONFLOW_URLS", "--urls", "http://127.0.0.1:8080", "';'-separated http://host:port URLs",
        "Kestrel listen addresses; win over PORT/--port",
        static (o, v) => TryUrls(v, out var urls) ? o with { Urls = urls } : null);

    internal static readonly Setting McpHost = new(
        "CLAUDE_FLOW_HOST", "--mcp-host", "claude-flow-mcp", "a host name or IP address (1-253 characters, no spaces)",
        "Claude Flow MCP server host",
        static (o, v) => IsHost(v) ? o with { McpHost = v } : null);

    internal static readonly Setting McpPort = new(
        "MCP_TCP_PORT", "--mcp-port", "9500", "an integer 1-65535",
        "Claude Flow MCP server TCP port",
        static (o, v) => TryInt(v, 1, 65535, out var p) ? o with { McpPort = p } : null);

    internal static readonly Setting EnableMcp = new(
        "ENABLE_MCP", "--enable-mcp", "true", "true or false (also 1/0, yes/no, on/off)",
        "Connect to the MCP server at all",
        static (o, v) => TryBool(v, out var b) ? o with { EnableMcp = b } : null);

    internal static readonly Setting Simulator = new(
        "VISIONFLOW_SIMULATOR", "--simulator", "false", "true or false (also 1/0, yes/no, on/off); the flag alone means true",
        "Run the built-in swarm simulator in-process on a free 127.0.0.1 port and connect to it instead of CLAUDE_FLOW_HOST:MCP_TCP_PORT (all its data is labelled simulated)",
        static (o, v) => TryBool(v, out var b) ? o with { Simulator = b } : null,
        Switch: true);

    internal static readonly Setting SimulatorAgents = new(
        "VISIONFLOW_SIMULATOR_AGENTS", "--simulator-agents", "12", "an integer 0-100000",
        "Agents the built-in simulator starts with (--simulator); MCP_MAX_AGENTS still bounds what is tracked",
        static (o, v) => TryInt(v, 0, 100_000, out var n) ? o with { SimulatorAgents = n } : null);

    internal static readonly Setting ReconnectAttempts = new(
        "MCP_RECONNECT_ATTEMPTS", "--mcp-reconnect-attempts", "3", "an integer 0-100",
        "Reconnect attempts before capped background probing takes over",
        static (o, v) => TryInt(v, 0, 100, out var n) ? o with { McpReconnectAttempts = n } : null);

    internal static readonly Setting ReconnectDelay = new(
        "MCP_RECONNECT_DELAY", "--mcp-reconnect-delay", "1000", "milliseconds, an integer 10-600000",
        "Base delay between reconnect attempts (ms)",
        static (o, v) => TryInt(v, 10, 600_000, out var ms) ? o with { McpReconnectDelay = TimeSpan.FromMilliseconds(ms) } : null);

    internal static readonly Setting ConnectionTimeout = new(
        "MCP_CONNECTION_TIMEOUT", "--mcp-connection-timeout", "30000", "milliseconds, an integer 100-600000",
        "Timeout for establishing an MCP connection (ms)",
        static (o, v) => TryInt(v, 100, 600_000, out var ms) ? o with { McpConnectionTimeout = TimeSpan.FromMilliseconds(ms) } : null);

    internal static readonly Setting ReconnectAttemptTimeout = new(
        "MCP_RECONNECT_ATTEMPT_TIMEOUT", "--mcp-reconnect-attempt-timeout", "5000", "milliseconds, an integer 100-600000",
        "Bound on the first reconnect attempt after a loss, doubled per timed-out attempt up to MCP_CONNECTION_TIMEOUT (ms)",
        static (o, v) => TryInt(v, 100, 600_000, out var ms) ? o with { McpReconnectAttemptTimeout = TimeSpan.FromMilliseconds(ms) } : null);

    internal static readonly Setting MaxAgents = new(
        "MCP_MAX_AGENTS", "--mcp-max-agents", "50", "an integer 1-100000",
        "Most agents tracked or spawned",
        static (o, v) => TryInt(v, 1, 100_000, out var n) ? o with { McpMaxAgents = n } : null);

    internal static readonly Setting ApiKey = new(
        "VISIONFLOW_API_KEY", "--api-key", "(none)", "16-512 printable ASCII characters without spaces",
        "API key for REST and /ws (Bearer token, X-Api-Key header, or the viewer's session cookie)",
        static (o, v) => IsKey(v) ? o with { ApiKey = v } : null,
        Secret: true);

    internal static readonly Setting McpApiKey = new(
        "MCP_API_KEY", "--mcp-api-key", "(none)", "1-512 printable ASCII characters without spaces",
        "Token sent to the MCP bridge in its authenticate request",
        static (o, v) => v.Length >= 1 && IsPrintable(v) ? o with { McpApiKey = v } : null,
        Secret: true);

    internal static readonly Setting RateLimit = new(
        "VISIONFLOW_RATE_LIMIT", "--rate-limit", "200", "an integer 0-1000000 (requests/s per client; 0 = off)",
        "Per-client request rate limit; excess requests get 429 with Retry-After",
        static (o, v) => TryInt(v, 0, 1_000_000, out var n) ? o with { RateLimitPerSecond = n } : null);

    internal static readonly Setting HealthInterval = new(
        "VISIONFLOW_HEALTH_INTERVAL", "--health-interval", "5000", "milliseconds, an integer 50-600000",
        "How often the MCP link is pinged (ms)",
        static (o, v) => TryInt(v, 50, 600_000, out var ms) ? o with { HealthCheckInterval = TimeSpan.FromMilliseconds(ms) } : null);

    internal static readonly Setting RecoveryInterval = new(
        "VISIONFLOW_RECOVERY_INTERVAL", "--recovery-interval", "5000", "milliseconds, an integer 50-3600000",
        "Healthy time before degradation climbs back one level (ms)",
        static (o, v) => TryInt(v, 50, 3_600_000, out var ms) ? o with { DegradationRecoveryInterval = TimeSpan.FromMilliseconds(ms) } : null);

    internal static readonly Setting KnowledgeFolder = new(
        "VISIONFLOW_KNOWLEDGE_DIR", "--knowledge-dir", "(embedded sample notes)", "an existing folder of .md notes",
        "Markdown notes for the knowledge graph; watched and reloaded on change",
        static (o, v) => Directory.Exists(v) ? o with { KnowledgeFolder = Path.GetFullPath(v) } : null);

    internal static readonly Setting PhysicsBackend = new(
        "VISIONFLOW_PHYSICS_BACKEND", "--physics-backend", "auto", "auto, vulkan or cpu",
        "Physics backend: auto prefers a hardware Vulkan device, else the SIMD CPU path; vulkan insists (lavapipe counts)",
        static (o, v) => v.ToLowerInvariant() is "auto" or "vulkan" or "cpu" ? o with { PhysicsBackend = v.ToLowerInvariant() } : null);

    internal static readonly Setting LogFormatSetting = new(
        "VISIONFLOW_LOG_FORMAT", "--log-format", "text", "text or json",
        "Console log format (json = one JSON object per line)",
        static (o, v) => v.ToLowerInvariant() switch
        {
            "text" => o with { LogFormat = LogFormat.Text },
            "json" => o with { LogFormat = LogFormat.Json },
            _ => null,
        });

    internal static readonly Setting LogLevelSetting = new(
        "VISIONFLOW_LOG_LEVEL", "--log-level", "information", "trace, debug, information, warning, error, critical or none",
        "Lowest log level written",
        static (o, v) => TryLogLevel(v, out var level) ? o with { LogLevel = level } : null);

    /// <summary>All settings, in help order. Port precedes Urls so that an explicit URL list wins when both are given.</summary>
    internal static readonly IReadOnlyList<Setting> All =
    [
        Port, Urls, McpHost, McpPort, EnableMcp, Simulator, SimulatorAgents, ReconnectAttempts, ReconnectDelay, ConnectionTimeout, ReconnectAttemptTimeout, MaxAgents,
        McpApiKey, ApiKey, RateLimit, HealthInterval, RecoveryInterval, KnowledgeFolder, PhysicsBackend, LogFormatSetting, LogLevelSetting,
    ];

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
            // Only plain http: TLS termination belongs to the reverse proxy in front of an edge box.
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri)
                || uri.Scheme != Uri.UriSchemeHttp
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
}

using Microsoft.Extensions.Logging;
using VisionFlow.Agents;
using VisionFlow.Connections.Link;

namespace VisionFlow.Server.Configuration;

/// <summary>Validated start-up settings; every value here has passed its range check, and every default is its setting's (<see cref="Settings"/>).</summary>
internal sealed record ServerOptions
{
    /// <summary>Kestrel listen addresses, absolute http or https URLs.</summary>
    public IReadOnlyList<string> Urls { get; init; } = Settings.Urls.DefaultValue;

    /// <summary>Claude Flow MCP host name or address.</summary>
    public string McpHost { get; init; } = Settings.McpHost.DefaultValue;

    /// <summary>Claude Flow MCP TCP port.</summary>
    public int McpPort { get; init; } = Settings.McpPort.DefaultValue;

    /// <summary>The command that starts the MCP server as a child process over stdio; null connects over TCP.</summary>
    public string? McpCommand { get; init; } = Settings.McpCommand.DefaultValue;

    /// <summary>Whether the MCP client is started at all.</summary>
    public bool EnableMcp { get; init; } = Settings.EnableMcp.DefaultValue;

    /// <summary>Run the built-in simulator in-process and connect the MCP link to it (<c>--simulator</c>).</summary>
    public bool Simulator { get; init; } = Settings.Simulator.DefaultValue;

    /// <summary>Agents the in-process simulator starts with.</summary>
    public int SimulatorAgents { get; init; } = Settings.SimulatorAgents.DefaultValue;

    /// <summary>Reconnect attempts before falling back to capped background probing.</summary>
    public int McpReconnectAttempts { get; init; } = Settings.ReconnectAttempts.DefaultValue;

    /// <summary>Base delay between reconnect attempts.</summary>
    public TimeSpan McpReconnectDelay { get; init; } = Settings.ReconnectDelay.DefaultValue;

    /// <summary>Timeout for establishing an MCP connection.</summary>
    public TimeSpan McpConnectionTimeout { get; init; } = Settings.ConnectionTimeout.DefaultValue;

    /// <summary>Bound on the first reconnect attempt after a loss; doubled per timed-out attempt up to <see cref="McpConnectionTimeout"/>.</summary>
    public TimeSpan McpReconnectAttemptTimeout { get; init; } = Settings.ReconnectAttemptTimeout.DefaultValue;

    /// <summary>Most agents the product will track or spawn.</summary>
    public int McpMaxAgents { get; init; } = Settings.MaxAgents.DefaultValue;

    /// <summary>API key required on REST and WebSocket when set (health and the viewer's static files stay open).</summary>
    public string? ApiKey { get; init; } = Settings.ApiKey.DefaultValue;

    /// <summary>Key sent to the MCP server's <c>authenticate</c> request when set.</summary>
    public string? McpApiKey { get; init; } = Settings.McpApiKey.DefaultValue;

    /// <summary>Requests per second allowed per client address (token bucket, burst = 2 s worth); 0 turns limiting off.</summary>
    public int RateLimitPerSecond { get; init; } = Settings.RateLimit.DefaultValue;

    /// <summary>How often the MCP link is pinged.</summary>
    public TimeSpan HealthCheckInterval { get; init; } = Settings.HealthInterval.DefaultValue;

    /// <summary>Healthy time needed before degradation climbs back one level.</summary>
    public TimeSpan DegradationRecoveryInterval { get; init; } = Settings.RecoveryInterval.DefaultValue;

    /// <summary>Fastest agent-listing poll of a server without push.</summary>
    public TimeSpan PollMinInterval { get; init; } = Settings.PollMinInterval.DefaultValue;

    /// <summary>Slowest agent-listing poll, reached while nothing changes.</summary>
    public TimeSpan PollMaxInterval { get; init; } = Settings.PollMaxInterval.DefaultValue;

    /// <summary>How often the server's swarms and tasks are read while connected.</summary>
    public TimeSpan StructurePollInterval { get; init; } = Settings.StructurePollInterval.DefaultValue;

    /// <summary>Folder of markdown notes for the knowledge graph; null = the sample notes embedded in the binary.</summary>
    public string? KnowledgeFolder { get; init; } = Settings.KnowledgeFolder.DefaultValue;

    /// <summary>Which physics backend to use.</summary>
    public string PhysicsBackend { get; init; } = Settings.PhysicsBackend.DefaultValue;

    /// <summary>PEM certificate (leaf first, then intermediates) served on https addresses; null = no TLS.</summary>
    public string? TlsCertificatePath { get; init; } = Settings.TlsCertificate.DefaultValue;

    /// <summary>PEM private key of <see cref="TlsCertificatePath"/>.</summary>
    public string? TlsKeyPath { get; init; } = Settings.TlsKey.DefaultValue;

    /// <summary>Origins (normalised <c>scheme://host:port</c>) accepted besides the service's own on <c>/ws</c> and writes.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = Settings.AllowedOrigins.DefaultValue;

    /// <summary>Bound on a graceful stop: closing stream clients and finishing in-flight requests.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = Settings.ShutdownTimeout.DefaultValue;

    /// <summary>Whether history is recorded.</summary>
    public bool History { get; init; } = Settings.History.DefaultValue;

    /// <summary>The history folder; null = the default (<see cref="HistoryFolderOrDefault"/>).</summary>
    public string? HistoryFolder { get; init; } = Settings.HistoryFolder.DefaultValue;

    /// <summary>Most bytes of history kept.</summary>
    public long HistoryMaxBytes { get; init; } = Settings.HistoryMaxBytes.DefaultValue;

    /// <summary>How long history is kept.</summary>
    public TimeSpan HistoryRetention { get; init; } = Settings.HistoryRetention.DefaultValue;

    /// <summary>Console log line format.</summary>
    public LogFormat LogFormat { get; init; } = Settings.LogFormatSetting.DefaultValue;

    /// <summary>Lowest log level written.</summary>
    public LogLevel LogLevel { get; init; } = Settings.LogLevelSetting.DefaultValue;

    /// <summary>The MCP link's options: the MCP_* settings and the health, recovery and poll intervals; the rest are the link's defaults.</summary>
    public McpLinkOptions ToLinkOptions(string clientVersion) => new()
    {
        Host = McpHost,
        Port = McpPort,
        Command = McpCommand,
        Enabled = EnableMcp,
        ApiKey = McpApiKey,
        ClientVersion = clientVersion,
        ReconnectAttempts = McpReconnectAttempts,
        ReconnectDelay = McpReconnectDelay,
        ConnectionTimeout = McpConnectionTimeout,
        ReconnectAttemptTimeout = McpReconnectAttemptTimeout,
        HealthInterval = HealthCheckInterval,
        RecoveryInterval = DegradationRecoveryInterval,
        PollMinInterval = PollMinInterval,
        PollMaxInterval = PollMaxInterval,
    };

    /// <summary>The telemetry intake's options (MCP_MAX_AGENTS; the rest are its defaults).</summary>
    public AgentTelemetryOptions ToTelemetryOptions() => new() { MaxAgents = McpMaxAgents };

    /// <summary>
    /// The history folder: the one set, else systemd's <c>STATE_DIRECTORY</c> (the unit's <c>StateDirectory=visionflow</c>;
    /// the first when it lists several), else <c>visionflow/history</c> under the user's state directory
    /// (<c>$XDG_STATE_HOME</c>, else <c>~/.local/state</c>).
    /// </summary>
    public string HistoryFolderOrDefault(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (HistoryFolder is { } folder)
        {
            return folder;
        }

        if (environment("STATE_DIRECTORY") is { Length: > 0 } state)
        {
            return state.Split(':', StringSplitOptions.RemoveEmptyEntries)[0];
        }

        var home = environment("XDG_STATE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Combine(home, "visionflow", "history");
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Api;
using VisionFlow.Server.Graph;
using VisionFlow.Server.Health;
using VisionFlow.Server.History;
using VisionFlow.Server.Mcp;
using VisionFlow.Server.Metrics;
using VisionFlow.Server.Security;
using VisionFlow.Server.Streaming;
using VisionFlow.Server.Telemetry;
using VisionFlow.Server.Viewer;
using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Hosting;

/// <summary>Composes the Kestrel slim application from validated options; the one place services and endpoints are wired.</summary>
internal static class ServerHost
{
    /// <summary>Builds (but does not start) the web application.</summary>
    /// <param name="options">Validated settings.</param>
    /// <param name="time">Clock for every timer (tests pass a fake one).</param>
    /// <param name="runtime">False builds the HTTP surface without starting the MCP link and the graph/physics loop,
    /// so the stream layer can be tested with snapshots the test publishes itself.</param>
    /// <param name="replay">A recording to serve read-only (<c>visionflow replay</c>): history answers from it, commands
    /// are refused, and nothing live runs (no MCP link, no recording).</param>
    /// <param name="clock">The process's start, when <c>main</c> took it before the host (the early listener reports it).</param>
    /// <param name="early">Sockets bound and answering before the host: Kestrel takes them over instead of binding its own.</param>
    public static WebApplication Build(
        ServerOptions options, TimeProvider? time = null, bool runtime = true, HistoryService? replay = null, ServiceClock? clock = null, EarlyListener? early = null)
    {
        runtime &= replay is null;
        // The empty builder reads no appsettings files and watches nothing: start-up is on the 100 ms budget, and
        // configuration comes only from OptionsParser (handing args to the host would let it bind unknown keys silently).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });

        time ??= TimeProvider.System;
        // Loaded now, so a missing or broken certificate is a start-up error (exit 2), not a failed first handshake.
        var certificate = options.TlsCertificatePath is { } certPath && options.TlsKeyPath is { } keyPath
            ? ServerCertificate.Load(certPath, keyPath, time)
            : null;

        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 1 << 20;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            ListenEndpoints.Configure(k, options.Urls, certificate);
        });
        // A connection's continuations run on the thread that completed its socket operation or flushed its pipe, instead
        // of being queued to the thread pool (the transport's send loop to an IOQueue, the application's reads to the
        // pool): a /ws message is written to the socket by the session that wrote it, not handed to another worker.
        // At 10 agents that hand-off was ~12 of the service's wake-ups a second and the pool waking a second worker for
        // each (issue 23, bench/README "Wake-ups at ten agents", round 6). "Unsafe" means application code then runs on
        // the I/O thread: here that is a pool thread that completed a socket operation (the runtime's own socket
        // completions are not inlined: DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS is not set), so a handler that
        // blocked would hold only its own connection, as it did before, and no queue shared with other connections. None
        // of ours blocks on anything but a local file: request handlers and /ws sessions await their network I/O (MCP
        // calls), /api/history/state and /events read the store with synchronous preads of a few milliseconds (as on the
        // pool before), the export runs on Task.Run, and CPU-heavy work (physics, layout, the intake) runs on its own
        // loops, handing results over. Round 6 measured it alone and left it out (p99 within noise, worse in three of
        // four runs); with the sessions woken on the publishing thread (WakeSignal.SetInline) it is what takes a frame
        // from the physics tick to the socket with no hand-off at all, and status → /ws p99 fell with it: 8.5 against
        // 11.7 ms at 2,000 agents, 30.0 against 36.9 at 10,000 (bench/README "Attribute change → /ws", round 7).
        builder.Services.Configure<SocketTransportOptions>(o => o.UnsafePreferInlineScheduling = true);
        if (early is not null)
        {
            // Kestrel binds through this for every endpoint: the early listener's socket for it when there is one.
            builder.Services.Configure<SocketTransportOptions>(o =>
                o.CreateBoundListenSocket = endpoint => early.Take(endpoint) ?? SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint));
        }

        // One bound for the whole graceful stop: Kestrel drains in-flight requests until it expires, then aborts them.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);

        ConfigureLogging(builder.Logging, options);
        var otlp = OtlpExport.TryAdd(builder.Services, builder.Configuration, BuildInfo.Version);

        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(1, HealthJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(2, SecurityJsonContext.Default);
        });
        // Registers ASP.NET's own source-generated ProblemDetails metadata: without it the trimmed binary cannot write a problem.
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(time);
        if (certificate is not null)
        {
            // A factory registration, so the container disposes it (and its file watchers) with the host.
            builder.Services.AddSingleton(_ => certificate);
        }

        if (SystemdNotifier.FromEnvironment(Environment.GetEnvironmentVariable) is { } notifier)
        {
            var watchdog = SystemdNotifier.WatchdogInterval(Environment.GetEnvironmentVariable);
            builder.Services.AddHostedService(sp => new SystemdService(
                notifier,
                watchdog,
                sp.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>(),
                sp.GetRequiredService<IHostApplicationLifetime>(),
                sp.GetRequiredService<RuntimeStart>(),
                time));
        }

        // Created now, not on first request, so uptime counts from start-up.
        builder.Services.AddSingleton(clock ?? new ServiceClock(time));
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<ProductMeters>();
        builder.Services.AddSingleton<PrometheusExporter>();
        builder.Services.AddSingleton(sp => new McpServices(options, BuildInfo.Version, time, sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<ProductMeters>().Connections, sp.GetRequiredService<ProductMeters>().Agents));
        builder.Services.AddSingleton(sp => new GraphService(
            options,
            sp.GetRequiredService<McpServices>(),
            sp.GetRequiredService<NodeSnapshotHub>(),
            sp.GetRequiredService<StreamNotices>(),
            time,
            sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(sp => new RuntimeStart(sp, scheduled: runtime));
        if (runtime)
        {
            builder.Services.AddHostedService<RuntimeServices>();
        }

        if (replay is not null)
        {
            builder.Services.AddSingleton(replay);
        }
        else
        {
            // Opened when first asked for (the history runtime asks once the listener is up; the health probe waits for
            // it, see RuntimeStart.History), not on the start-up path.
            builder.Services.AddSingleton(sp => HistoryService.Live(options, time, sp.GetRequiredService<ILoggerFactory>()));
        }

        if (runtime)
        {
            // After the runtime services, so it stops first: the tap leaves before the pipeline it listens to.
            builder.Services.AddHostedService<HistoryRuntime>();
        }

        builder.Services.AddSingleton<AgentsResponseCache>();
        builder.Services.AddSingleton(sp => new HealthService(
            HealthProbes.Create(HttpProbe.Serving, sp.GetRequiredService<RuntimeStart>(), options),
            sp.GetRequiredService<ServiceClock>(),
            sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping));
        builder.Services.AddSingleton<SessionStore>();
        if (options.ApiKey is { } apiKey)
        {
            builder.Services.AddSingleton(new ApiKeyVerifier(apiKey));
        }

        builder.Services.AddSingleton(new StreamOptions());
        builder.Services.AddSingleton<NodeSnapshotHub>();
        builder.Services.AddSingleton<StreamNotices>();
        builder.Services.AddSingleton<StreamTopics>();
        builder.Services.AddSingleton<AgentsTopic>();
        builder.Services.AddSingleton<StructureTopics>();
        builder.Services.AddSingleton<GraphTopics>();
        builder.Services.AddSingleton<HttpMetrics>();

        var app = builder.Build();
        certificate?.Watch(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("VisionFlow.Tls"));
        ProductInstruments.Create(app.Services);
        OtlpExport.LogEnabled(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("VisionFlow.Telemetry"), otlp);

        // Outermost, so a request's span covers everything the service does for it.
        app.Use(HttpServerTracing.InvokeAsync);
        var httpMetrics = app.Services.GetRequiredService<HttpMetrics>();
        app.Use((context, next) => httpMetrics.InvokeAsync(context, next));
        if (options.RateLimitPerSecond > 0)
        {
            // First after metrics, so floods are refused before any other work, authenticated or not.
            RateLimiting.Use(app, options.RateLimitPerSecond);
        }

        if (app.Services.GetService<ApiKeyVerifier>() is { } verifier)
        {
            var sessions = app.Services.GetRequiredService<SessionStore>();
            app.Use((context, next) => ApiKeyGate.InvokeAsync(context, next, verifier, sessions));
        }

        // After the key gate: a request without credentials learns it needs a key (401) before anything else.
        var originGate = new OriginGate(
            options.AllowedOrigins,
            app.Services.GetService<ApiKeyVerifier>(),
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("VisionFlow.Security"));
        app.Use(originGate.InvokeAsync);

        // Commands are recorded with their answers (or refused under a replay); after the gates, so refusals are not commands.
        app.Use(CommandRecording.InvokeAsync);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.MapHealthEndpoints();
        app.MapSessionEndpoints();
        app.MapStreamEndpoints();
        app.MapViewerEndpoints();
        app.MapMetricsEndpoints();
        app.MapBotsEndpoints();
        app.MapGraphEndpoints();
        app.MapHistoryEndpoints();
        app.MapOpenApiDocument();
        return app;
    }

    private static void ConfigureLogging(ILoggingBuilder logging, ServerOptions options)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(options.LogLevel);
        // Kestrel's per-connection chatter is noise at Information; keep our own categories at the chosen level.
        logging.AddFilter("Microsoft.AspNetCore", options.LogLevel < LogLevel.Warning ? LogLevel.Warning : options.LogLevel);
        logging.AddFilter("Microsoft.Hosting.Lifetime", options.LogLevel);
        if (options.LogFormat == LogFormat.Systemd)
        {
            // journald adds the time and reads the "<N>" syslog priority prefix as the entry's level.
            logging.AddSystemdConsole(o => o.IncludeScopes = false);
        }
        else if (options.LogFormat == LogFormat.Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Hosting;
using VisionFlow.Testing.Contracts;

namespace VisionFlow.Testing.Hosting;

/// <summary>
/// The real Kestrel host, built by the binary's own composition root (<c>ServerHost.Build</c>) and started in-process
/// on an ephemeral loopback port, with an <see cref="HttpClient"/> aimed at it that holds every answer to
/// <c>/openapi.json</c> (<see cref="ContractCheckingHandler"/>): a test that receives an undocumented answer fails.
/// </summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string? _ownHistory;
    private Task? _stopped;

    private RunningServer(WebApplication app, Uri address, string? ownHistory)
    {
        _app = app;
        _ownHistory = ownHistory;
        Address = address;
        // Over https the test's own throwaway certificate is what answers; which one is checked by the TLS tests themselves.
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        // The client's bound is a hang bound, the same as the waits a request sits in (JsonPolling's): a shorter one (it was
        // 10 s) failed a poll that still had 20 s of patience when one answer of a fresh, JIT-compiled host was slow at
        // load 40 (GracefulShutdownTests' first GET /api/bots/agents, an answer from a cache).
        Http = new HttpClient(new ContractCheckingHandler(handler)) { BaseAddress = address, Timeout = JsonPolling.DefaultTimeout };
    }

    /// <summary>The base address, <c>http://127.0.0.1:port/</c>.</summary>
    public Uri Address { get; }

    /// <summary>A client whose base address is <see cref="Address"/>; every answer it receives is checked against <c>/openapi.json</c>.</summary>
    public HttpClient Http { get; }

    /// <summary>The host's services, to reach the product's real singletons.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Stops the host as SIGTERM would (once; disposing afterwards does not stop it again).</summary>
    public Task StopAsync() => _stopped ??= _app.StopAsync();

    /// <summary>
    /// Builds and starts the service with <paramref name="options"/> (defaults when null), listening on 127.0.0.1 with an
    /// OS-chosen port (https when <paramref name="https"/>: the options then name the certificate) and logging warnings
    /// only; <paramref name="runtime"/> false leaves the background services (MCP link, physics loop) unstarted, for
    /// endpoints that need only the host; <paramref name="replay"/> serves a recording read-only as <c>visionflow replay</c>
    /// does. History is recorded into a fresh folder of its own (deleted with it) unless the
    /// options name one: tests never write into the user's state directory, nor share a folder.
    /// </summary>
    public static async Task<RunningServer> StartAsync(ServerOptions? options = null, TimeProvider? time = null, bool runtime = true, bool https = false,
        VisionFlow.Server.History.HistoryService? replay = null)
    {
        options = (options ?? new ServerOptions()) with
        {
            Urls = [https ? "https://127.0.0.1:0" : "http://127.0.0.1:0"],
            LogLevel = LogLevel.Warning,
        };
        string? ownHistory = null;
        if (options.HistoryFolder is null && replay is null)
        {
            ownHistory = Directory.CreateTempSubdirectory("vf-server-history-").FullName;
            options = options with { HistoryFolder = ownHistory };
        }

        var app = ServerHost.Build(options, time, runtime, replay);
        await app.StartAsync().ConfigureAwait(false);
        return new RunningServer(app, new Uri(AddressOf(app)), ownHistory);
    }

    /// <summary>The one address a started <paramref name="app"/> listens on.</summary>
    public static string AddressOf(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    /// <summary>Stops the host and disposes it and the client.</summary>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        if (_ownHistory is not null)
        {
            try
            {
                Directory.Delete(_ownHistory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS's temp cleaning; nothing depends on it.
            }
        }
    }
}

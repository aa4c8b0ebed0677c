using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Hosting;

namespace VisionFlow.Server.Tests;

/// <summary>The real Kestrel host, started in-process on an ephemeral loopback port.</summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private Task? _stopped;

    private RunningServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        // Over https the test's own throwaway certificate is what answers; which one is checked by the TLS tests themselves.
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        Http = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Stops the host as SIGTERM would (once; disposing afterwards does not stop it again).</summary>
    public Task StopAsync() => _stopped ??= _app.StopAsync();

    /// <summary>Starts on an ephemeral port of 127.0.0.1: http, or https when <paramref name="https"/> (options then name the certificate).</summary>
    public static async Task<RunningServer> StartAsync(ServerOptions? options = null, TimeProvider? time = null, bool runtime = true, bool https = false)
    {
        options = (options ?? new ServerOptions()) with
        {
            Urls = [https ? "https://127.0.0.1:0" : "http://127.0.0.1:0"],
            LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        };
        var app = ServerHost.Build(options, time, runtime);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RunningServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
    }
}

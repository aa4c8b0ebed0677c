using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VisionFlow.Server.Configuration;

namespace VisionFlow.Bench.Goals;

/// <summary>The real Kestrel host (the product's own composition root), started in-process on an ephemeral loopback port.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private BenchServer(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public static async Task<BenchServer> StartAsync(ServerOptions options, bool runtime)
    {
        options = options with { Urls = ["http://127.0.0.1:0"], LogLevel = LogLevel.Warning };
        var app = Build(null, options, TimeProvider.System, runtime);
        await app.StartAsync();
        return new BenchServer(app, new Uri(AddressOf(app)));
    }

    public static string AddressOf(WebApplication app)
        => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }

    // ServerHost is internal to the executable; the benchmark calls the same composition root the binary uses rather
    // than copying it (no product change needed for a benchmark-only caller).
    [UnsafeAccessor(UnsafeAccessorKind.StaticMethod, Name = "Build")]
    private static extern WebApplication Build(
        [UnsafeAccessorType("VisionFlow.Server.Hosting.ServerHost, visionflow")] object? host,
        ServerOptions options,
        TimeProvider? time,
        bool runtime);
}

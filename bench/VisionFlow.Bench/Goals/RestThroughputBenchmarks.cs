using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VisionFlow.Server.Configuration;
using VisionFlow.Testing.Hosting;
using static VisionFlow.Testing.JsonPolling;

namespace VisionFlow.Bench.Goals;

/// <summary>
/// Issue 8: REST throughput of the real server (<c>ServerHost.Build</c>, rate limit off, MCP connected to an in-process
/// simulator with 50 agents, so answers are real) against a hello-world Kestrel app built the same way (empty builder,
/// <c>UseKestrelCore</c>, routing core). Each operation is <see cref="Requests"/> GETs issued by <see cref="Concurrency"/>
/// concurrent workers over one keep-alive <see cref="HttpClient"/>; the reported time is per request (1 / requests-per-second).
/// </summary>
[MemoryDiagnoser]
public class RestThroughputBenchmarks
{
    private const int Requests = 512;
    private const int Concurrency = 16;

    private SimulatedSwarm _simulator = null!;
    private RunningServer _server = null!;
    private WebApplication _hello = null!;
    private HttpClient _http = null!;
    private Uri _helloUri = null!;
    private Uri _helloBigUri = null!;
    private byte[] _agentsBody = [];
    private Uri _agentsUri = null!;
    private Uri _networkUri = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, OperationsPerInvoke = Requests, Description = "hello world (empty builder + UseKestrelCore)")]
    public Task HelloWorld() => FireAsync(_helloUri);

    [Benchmark(OperationsPerInvoke = Requests, Description = "hello world app, static copy of the agents JSON body (same size)")]
    public Task HelloWorldAgentsSizedBody() => FireAsync(_helloBigUri);

    [Benchmark(OperationsPerInvoke = Requests, Description = "GET /api/bots/agents (50 simulated agents)")]
    public Task BotsAgents() => FireAsync(_agentsUri);

    [Benchmark(OperationsPerInvoke = Requests, Description = "GET /api/health/network")]
    public Task HealthNetwork() => FireAsync(_networkUri);

    private Task FireAsync(Uri uri)
    {
        var workers = new Task[Concurrency];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = WorkerAsync(uri);
        }

        return Task.WhenAll(workers);
    }

    private async Task WorkerAsync(Uri uri)
    {
        for (var i = 0; i < Requests / Concurrency; i++)
        {
            using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{uri} answered {(int)response.StatusCode}");
            }
        }
    }

    private async Task SetupAsync()
    {
        _simulator = SimulatedSwarm.Start(agents: 50);
        _server = await RunningServer.StartAsync(
            new ServerOptions
            {
                RateLimitPerSecond = 0,
                EnableMcp = true,
                McpHost = "127.0.0.1",
                McpPort = _simulator.Port,
                McpMaxAgents = 1000,
            },
            runtime: true);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Logging.ClearProviders();
        _hello = builder.Build();
        _hello.MapGet("/", () => "Hello World!");
        _hello.MapGet("/big", () => Results.Bytes(_agentsBody, "application/json"));
        await _hello.StartAsync();

        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
        _helloUri = new Uri(RunningServer.AddressOf(_hello) + "/");
        _helloBigUri = new Uri(RunningServer.AddressOf(_hello) + "/big");
        _agentsUri = new Uri(_server.Address, "/api/bots/agents");
        _networkUri = new Uri(_server.Address, "/api/health/network");

        // Wait until the MCP link is up and the agent cache holds the simulator's agents, so every answer is real.
        var agents = await WaitForJsonAsync(_http, _agentsUri.ToString(), r => r.GetProperty("count").GetInt32() >= 50, "the simulator's 50 agents");
        _agentsBody = System.Text.Encoding.UTF8.GetBytes(agents.GetRawText());
        Console.WriteLine($"// /api/bots/agents: {_agentsBody.Length} bytes; /api/health/network: {(await _http.GetStringAsync(_networkUri)).Length} bytes");

        await HelloWorld();
        await HelloWorldAgentsSizedBody();
        await BotsAgents();
        await HealthNetwork();
    }

    private async Task CleanupAsync()
    {
        _http.Dispose();
        await _hello.StopAsync();
        await _hello.DisposeAsync();
        await _server.DisposeAsync();
        await _simulator.DisposeAsync();
    }
}

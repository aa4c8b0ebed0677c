using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Health;
using VisionFlow.Server.Hosting;
using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Tests;

/// <summary>
/// The sockets bound first thing in <c>main</c>: before the host exists they answer the health endpoints from the same
/// probes (status "starting"), anything else with a 503 that says so; Kestrel then takes the same sockets over, so a
/// client asking all along is never refused. Real sockets on 127.0.0.1.
/// </summary>
public sealed class EarlyListenerTests
{
    private static readonly ServerOptions Options = new() { EnableMcp = false, PhysicsBackend = "cpu", Urls = ["http://127.0.0.1:0"], History = false };

    private static HealthService EarlyHealth(ServerOptions options, ServiceClock clock) =>
        new(HealthProbes.Create(HttpProbe.HostStarting, RuntimeStart.BeforeHost(), options), clock, CancellationToken.None);

    [Test]
    public async Task Before_the_host_health_says_starting_with_the_hosts_own_subsystems()
    {
        var clock = new ServiceClock(TimeProvider.System);
        using var early = EarlyListener.Start(Options.Urls, EarlyHealth(Options, clock))!;
        using var http = new HttpClient { BaseAddress = Address(early) };

        var response = await http.GetAsync("/api/health");
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(response.Content.Headers.ContentType!.MediaType).IsEqualTo("application/json");
        var report = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), HealthJsonContext.Default.HealthReport)!;
        await Assert.That(report.Status).IsEqualTo("starting");
        await Assert.That(report.StartedAt).IsEqualTo(clock.StartedAt);
        var http0 = report.Subsystems[0];
        await Assert.That(http0.Name).IsEqualTo("http");
        await Assert.That(http0.State).IsEqualTo(SubsystemState.Starting);

        // The same subsystems, in the same order and (http aside) the same words, as the host's probes before its runtime runs.
        await using var app = ServerHost.Build(Options);
        var host = app.Services.GetRequiredService<HealthService>().Report();
        await Assert.That(string.Join(",", report.Subsystems.Select(s => s.Name))).IsEqualTo(string.Join(",", host.Subsystems.Select(s => s.Name)));
        for (var i = 1; i < host.Subsystems.Count; i++)
        {
            await Assert.That(report.Subsystems[i]).IsEqualTo(host.Subsystems[i]);
        }
    }

    [Test]
    public async Task Before_the_host_readiness_waits_liveness_answers_and_anything_else_is_a_503_to_retry()
    {
        using var early = EarlyListener.Start(Options.Urls, EarlyHealth(Options, new ServiceClock(TimeProvider.System)))!;
        using var http = new HttpClient { BaseAddress = Address(early) };

        var ready = await http.GetAsync("/api/health/ready");
        await Assert.That(ready.StatusCode).IsEqualTo(HttpStatusCode.ServiceUnavailable);
        var probe = JsonSerializer.Deserialize(await ready.Content.ReadAsStringAsync(), HealthJsonContext.Default.ProbeReport)!;
        await Assert.That(probe.Status).IsEqualTo("not_ready");
        await Assert.That(probe.Reason).StartsWith("http is starting");

        var live = await http.GetAsync("/api/health/live?probe=1");
        await Assert.That(live.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(await live.Content.ReadAsStringAsync()).IsEqualTo("{\"status\":\"live\",\"reason\":null,\"checks\":[]}");

        var agents = await http.GetAsync("/api/bots/agents");
        await Assert.That(agents.StatusCode).IsEqualTo(HttpStatusCode.ServiceUnavailable);
        await Assert.That(agents.Headers.RetryAfter!.Delta).IsEqualTo(TimeSpan.FromSeconds(1));
        await Assert.That(agents.Content.Headers.ContentType!.MediaType).IsEqualTo("application/problem+json");
        using var problem = JsonDocument.Parse(await agents.Content.ReadAsStringAsync());
        await Assert.That(problem.RootElement.GetProperty("status").GetInt32()).IsEqualTo(503);
        await Assert.That(problem.RootElement.GetProperty("detail").GetString()).StartsWith("the service is starting");

        // A command with a body is refused the same way, and the answer is not lost to a reset of the unread body.
        var command = await http.PostAsync("/api/bots/spawn", new StringContent("{\"type\":\"coder\",\"padding\":\"" + new string('x', 20_000) + "\"}", Encoding.UTF8, "application/json"));
        await Assert.That(command.StatusCode).IsEqualTo(HttpStatusCode.ServiceUnavailable);

        var post = await http.PostAsync("/api/health", new StringContent("{}"));
        await Assert.That(post.StatusCode).IsEqualTo(HttpStatusCode.MethodNotAllowed);

        var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/health"));
        await Assert.That(head.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(head.Content.Headers.ContentLength ?? 0).IsGreaterThan(100);
    }

    [Test]
    public async Task Bad_requests_get_a_400_or_431_and_a_silent_client_holds_nothing_up()
    {
        using var early = EarlyListener.Start(Options.Urls, EarlyHealth(Options, new ServiceClock(TimeProvider.System)))!;
        var endpoint = new IPEndPoint(IPAddress.Loopback, Address(early).Port);

        // One client connects and says nothing; the answers to the others do not wait for it.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await silent.ConnectAsync(endpoint);

        await Assert.That(await RawAsync(endpoint, "NOT HTTP AT ALL\r\n\r\n")).StartsWith("HTTP/1.1 400 ");
        await Assert.That(await RawAsync(endpoint, "GET /api/health HTTP/9.9\r\n\r\n")).StartsWith("HTTP/1.1 400 ");
        await Assert.That(await RawAsync(endpoint, "GET /api/health HTTP/1.1\r\nX: " + new string('a', 9000) + "\r\n\r\n")).StartsWith("HTTP/1.1 431 ");
        var ok = await RawAsync(endpoint, "GET /api/health HTTP/1.0\r\n\r\n");
        await Assert.That(ok).StartsWith("HTTP/1.1 200 OK\r\n");
        await Assert.That(ok).Contains("\r\nConnection: close\r\n");
    }

    [Test]
    public async Task Kestrel_takes_the_same_socket_over_and_a_client_asking_throughout_is_never_refused()
    {
        var clock = new ServiceClock(TimeProvider.System);
        var early = EarlyListener.Start(Options.Urls, EarlyHealth(Options, clock))!;
        using var closeEarly = early;
        var address = Address(early);

        // A client that asks without pause from before the host is built until after Kestrel serves.
        using var stop = new CancellationTokenSource();
        var seen = new List<string>();
        var failures = new List<string>();
        var asking = Task.Run(async () =>
        {
            using var http = new HttpClient { BaseAddress = address };
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var report = await http.GetFromJsonAsync("/api/health", HealthJsonContext.Default.HealthReport);
                    seen.Add(report!.Subsystems[0].State.ToString());
                }
                catch (HttpRequestException ex)
                {
                    failures.Add(ex.Message);
                }
            }
        });

        await using var app = ServerHost.Build(Options, clock: clock, early: early);
        await app.StartAsync();
        var served = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        await Assert.That(served.Port).IsEqualTo(address.Port);

        // Kestrel answers from now on (its http probe says up), on the socket the client has used all along.
        using (var http = new HttpClient { BaseAddress = address })
        {
            var report = await http.GetFromJsonAsync("/api/health", HealthJsonContext.Default.HealthReport);
            await Assert.That(report!.Subsystems[0].State).IsEqualTo(SubsystemState.Up);
            await Assert.That(report.StartedAt).IsEqualTo(clock.StartedAt);
        }

        await stop.CancelAsync();
        await asking;
        await Assert.That(failures).IsEmpty();
        await Assert.That(seen).Contains("Up");
        await Assert.That(early.Bound).IsEmpty(); // taken, so disposing the early listener closes nothing of Kestrel's
        await app.StopAsync();
    }

    [Test]
    public async Task A_port_in_use_fails_at_once_and_a_disposed_listener_frees_its_port()
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;
        var urls = new[] { $"http://127.0.0.1:{port}" };
        var health = EarlyHealth(Options, new ServiceClock(TimeProvider.System));

        var thrown = Assert.Throws<SocketException>(() => EarlyListener.Start(urls, health));
        await Assert.That(thrown.SocketErrorCode).IsEqualTo(SocketError.AddressAlreadyInUse);
        blocker.Stop();

        var early = EarlyListener.Start(urls, health)!;
        early.Dispose();
        using var again = new TcpListener(IPAddress.Loopback, port);
        again.Start(); // would throw while the early socket held the port
    }

    [Test]
    public async Task Only_plain_http_ip_endpoints_are_taken_early()
    {
        var health = EarlyHealth(Options, new ServiceClock(TimeProvider.System));
        await Assert.That(EarlyListener.Start(["https://127.0.0.1:0"], health)).IsNull();
        await Assert.That(EarlyListener.Start(["http://localhost:0"], health)).IsNull(); // Kestrel's own refusal stays its
    }

    private static Uri Address(EarlyListener early) => new($"http://127.0.0.1:{early.Bound.Single().Port}");

    private static async Task<string> RawAsync(IPEndPoint endpoint, string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None);
        var buffer = new byte[16 * 1024];
        var total = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int n;
        while ((n = await socket.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, cts.Token)) > 0)
        {
            total += n;
        }

        return Encoding.ASCII.GetString(buffer, 0, total);
    }
}

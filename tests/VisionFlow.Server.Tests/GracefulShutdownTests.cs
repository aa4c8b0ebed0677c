using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using VisionFlow.Testing;
using VisionFlow.Testing.Chaos;
using VisionFlow.Server.Configuration;
using VisionFlow.Testing.Hosting;

namespace VisionFlow.Server.Tests;

/// <summary>A stop (SIGTERM, Ctrl+C) closes stream clients with 1001 at once and lets in-flight requests finish.</summary>
public sealed class GracefulShutdownTests
{
    [Test]
    public async Task Stop_sends_every_stream_client_a_going_away_close_frame()
    {
        // A shutdown bound far beyond the waits below: the close must come from the stop itself, not from the host
        // giving up on the open WebSocket requests when the bound runs out. The server's clock stands still, so its
        // close-handshake bound (2 s) cannot run out while the clients answer, however long a busy machine makes them
        // take (a client answering after 2 s was dropped, and its own close then met a reset).
        await using var server = await RunningServer.StartAsync(
            new ServerOptions { EnableMcp = false, ShutdownTimeout = TimeSpan.FromMinutes(2) }, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(), runtime: false);
        using var first = await StreamEndpointTests.ConnectAsync(server);
        using var second = await StreamEndpointTests.ConnectAsync(server);
        await StreamEndpointTests.ReceiveTextAsync(first, "hello");
        await StreamEndpointTests.ReceiveTextAsync(second, "hello");

        var stop = server.StopAsync();
        // Both answer the close as a browser does, completing the handshake; neither may see a reset first.
        await Task.WhenAll(new[] { first, second }.Select(async client =>
        {
            await ReceiveCloseAsync(client);
            await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }));
        foreach (var client in new[] { first, second })
        {
            await Assert.That(client.CloseStatus).IsEqualTo(WebSocketCloseStatus.EndpointUnavailable);
            await Assert.That(client.CloseStatusDescription).IsEqualTo("server shutting down");
        }

        await stop.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Test]
    public async Task A_client_that_never_answers_the_close_does_not_hold_the_stop_beyond_the_handshake_bound()
    {
        await using var server = await RunningServer.StartAsync(
            new ServerOptions { EnableMcp = false, ShutdownTimeout = TimeSpan.FromMinutes(2) }, runtime: false);
        using var silent = await StreamEndpointTests.ConnectAsync(server);
        await StreamEndpointTests.ReceiveTextAsync(silent, "hello");

        // The client reads the close frame but never sends its own: the server drops it after the close-handshake
        // bound (2 s), far inside the two-minute shutdown bound.
        var stop = server.StopAsync();
        await ReceiveCloseAsync(silent);
        await stop.WaitAsync(TimeSpan.FromSeconds(60));
        await Assert.That(silent.CloseStatus).IsEqualTo(WebSocketCloseStatus.EndpointUnavailable);
    }

    [Test]
    [NotInParallel("chaos")]
    public async Task A_request_waiting_on_mcp_when_the_stop_begins_still_gets_its_answer()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 2);
        await using var proxy = FaultProxy.Start(swarm.EndPoint);
        var options = SimulatedSwarmTests.OptionsFor(swarm) with
        {
            McpPort = proxy.EndPoint.Port,
            HealthCheckInterval = TimeSpan.FromMinutes(5),
            ShutdownTimeout = TimeSpan.FromMinutes(2),
        };
        await using var server = await RunningServer.StartAsync(options);
        await JsonPolling.WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 2, "2 agents");

        // Every chunk to and from MCP now waits: the spawn below is in its handler, waiting on MCP, when the stop begins.
        proxy.Faults = new FaultSettings { Latency = TimeSpan.FromMilliseconds(500) };
        var spawn = server.Http.PostAsync("/api/bots/agents", new StringContent("{\"type\":\"coder\"}", Encoding.UTF8, "application/json"));
        await WaitForInFlightAsync(server, atLeast: 2); // the spawn and this /metrics request

        var stop = server.StopAsync();
        using var response = await spawn;
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.Created);
        await stop.WaitAsync(TimeSpan.FromSeconds(60));
    }

    private static async Task ReceiveCloseAsync(ClientWebSocket client)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[1 << 16];
        while (true)
        {
            var result = await client.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }
        }
    }

    private static async Task WaitForInFlightAsync(RunningServer server, int atLeast)
    {
        await Eventually.UntilAsync(
            async () =>
            {
                var metrics = await server.Http.GetStringAsync("/metrics");
                var line = metrics.Split('\n').Single(l => l.StartsWith("visionflow_http_requests_in_flight ", StringComparison.Ordinal));
                return double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture) >= atLeast;
            },
            $"{atLeast} requests in flight",
            TimeSpan.FromSeconds(20),
            pollMilliseconds: 10);
    }
}

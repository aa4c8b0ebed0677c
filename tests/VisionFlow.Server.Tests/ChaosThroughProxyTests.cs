using System.Net;
using System.Text;
using VisionFlow.Testing.Chaos;
using VisionFlow.Testing.Hosting;
using static VisionFlow.Testing.JsonPolling;

namespace VisionFlow.Server.Tests;

/// <summary>
/// The MCP peer behind the fault proxy, under REST load: killed and restarted, then its connections reset, without a
/// crash or a 500, and back to FullyOperational with its agents each time. (Socket leaks are counted per process by
/// `./build.sh bench chaos`, where the service is its own process; in here the simulator and proxy share the fd table.)
/// </summary>
[NotInParallel("chaos")]
public sealed class ChaosThroughProxyTests
{
    [Test]
    public async Task Peer_killed_restarted_and_reset_under_load_recovers()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 6);
        await using var proxy = FaultProxy.Start(new IPEndPoint(IPAddress.Loopback, swarm.Port));
        var options = SimulatedSwarmTests.OptionsFor(swarm) with { McpPort = proxy.EndPoint.Port };
        await using var server = await RunningServer.StartAsync(options);
        await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 6, "6 agents");

        using var stop = new CancellationTokenSource();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        var load = Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = i % 2 == 0
                    ? await server.Http.GetAsync("/api/bots/agents")
                    : await server.Http.PostAsync("/api/bots/tasks/", new StringContent("{\"description\":\"load\"}", Encoding.UTF8, "application/json"));
                statuses.Add(response.StatusCode);
            }
        }));

        for (var round = 0; round < 3; round++)
        {
            await swarm.KillAsync();
            await WaitForJsonAsync(server.Http, "/api/health/network",
                r => r.GetProperty("degradation_level").GetString() != "fully_operational", "degradation after the kill");
            swarm.StartServer(agents: 6);
            await WaitForJsonAsync(server.Http, "/api/health/network",
                r => r.GetProperty("degradation_level").GetString() == "fully_operational", "recovery after the restart");
            await WaitForJsonAsync(server.Http, "/api/bots/agents",
                r => r.GetProperty("count").GetInt32() == 6 && r.GetProperty("available").GetBoolean(), "the agents back");
        }

        proxy.Faults = new FaultSettings { Mode = FaultMode.Reset };
        await WaitForJsonAsync(server.Http, "/api/health/network",
            r => r.GetProperty("degradation_level").GetString() != "fully_operational", "degradation while connections are reset");
        proxy.Faults = FaultSettings.None;
        await WaitForJsonAsync(server.Http, "/api/health/network",
            r => r.GetProperty("degradation_level").GetString() == "fully_operational", "recovery after the resets stop");

        await stop.CancelAsync();
        await load;
        // Under load every answer is a deliberate one: 2xx/4xx while up, 503/504 while the peer is gone — never a 500.
        await Assert.That(statuses.Count(s => s == HttpStatusCode.InternalServerError)).IsEqualTo(0);
        await Assert.That(statuses.Count).IsGreaterThan(10);
    }
}

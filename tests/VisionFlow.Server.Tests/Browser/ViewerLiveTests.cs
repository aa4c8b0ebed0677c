using VisionFlow.Testing.Hosting;

namespace VisionFlow.Server.Tests.Browser;

/// <summary>The viewer fed by <c>/ws</c>: agents change on screen from its messages, and no REST read runs on a timer.</summary>
public sealed class ViewerLiveTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task While_ws_is_open_agents_update_from_it_and_no_rest_request_is_periodic()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 6);
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(swarm));
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(server.Address);
        await browser.WaitForAsync("window.visionflow && visionflow.streamOpen && visionflow.agents.size === 6 && visionflow.drawnAgents === 6", Wait, "6 agents drawn over an open stream");

        // The window starts now: earlier requests (the page's first reads) are forgotten.
        await browser.EvaluateAsync("""
            performance.setResourceTimingBufferSize(100000);
            performance.clearResourceTimings();
            window.__t0 = performance.now();
            window.__topology0 = visionflow.topologyNotices;
            window.__agents0 = JSON.stringify([...visionflow.agents.values()].map(a => [a.cpu_usage, a.memory_usage, a.status]));
            true
            """);

        // Sixteen seconds of the page's time: longer than every polling period it had (2 s, 3 s, 10 s, 15 s).
        await browser.WaitForAsync("performance.now() - window.__t0 > 16000", Wait, "sixteen seconds with the stream open");
        var requests = (await browser.EvaluateAsync("""
            JSON.stringify(performance.getEntriesByType('resource').map(e => new URL(e.name).pathname).filter(p => p.startsWith('/api/')))
            """))!.GetValue<string>();
        var paths = System.Text.Json.JsonDocument.Parse(requests).RootElement.EnumerateArray().Select(p => p.GetString()!).ToArray();
        var topologyNotices = (await browser.EvaluateAsync("visionflow.topologyNotices - window.__topology0"))!.GetValue<int>();
        var agentsMoved = (await browser.EvaluateAsync("""
            window.__agents0 !== JSON.stringify([...visionflow.agents.values()].map(a => [a.cpu_usage, a.memory_usage, a.status]))
            """))!.GetValue<bool>();
        var open = (await browser.EvaluateAsync("visionflow.streamOpen"))!.GetValue<bool>();

        await Assert.That(open).IsTrue();
        await Assert.That(agentsMoved).IsTrue().Because("the simulator changes its agents ten times a second; the table must follow /ws");
        // The graph is re-read only when a topology notice says nodes or edges came or went; nothing else is read at all.
        await Assert.That(paths.Where(p => p != "/api/graph")).IsEmpty().Because("requests in the window: " + string.Join(", ", paths));
        await Assert.That(paths.Count(p => p == "/api/graph")).IsLessThanOrEqualTo(topologyNotices);
    }
}

using VisionFlow.Testing.Hosting;

namespace VisionFlow.Server.Tests.Browser;

/// <summary>
/// The viewer fed by <c>/ws</c>: agents and the graph change on screen from its messages, no REST read runs on a timer,
/// and a topology change reads nothing (its nodes and edges come as messages).
/// </summary>
public sealed class ViewerLiveTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task While_ws_is_open_agents_and_the_graph_update_from_it_and_no_rest_request_is_periodic()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 6);
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(swarm));
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(server.Address);
        const string AgentNodes = "[...visionflow.meta.values()].filter(m => m.kind === 'agent').length";
        await browser.WaitForAsync($"window.visionflow && visionflow.streamOpen && visionflow.agents.size === 6 && visionflow.drawnAgents === 6 && {AgentNodes} === 6", Wait, "6 agents drawn over an open stream, their nodes from it");

        // The window starts now. Every read in it must follow a notice counted in it, except what notices before it
        // already asked for: a paced read (a second at least and twenty times the last read's cost, so seconds later on
        // a busy machine) may be running and one more due after it, so when the timeline is not idle at the start two
        // of its reads are carried in. The graph is never read while /ws is open or opening, whatever was due.
        // Checked and started in one turn of the page's event loop.
        await browser.WaitForAsync("""
            (() => {
              window.__carriedTimeline = visionflow.timeline.idle() ? 0 : 2;
              performance.setResourceTimingBufferSize(100000);
              performance.clearResourceTimings();
              window.__t0 = performance.now();
              window.__topology0 = visionflow.topologyNotices;
              window.__graphMessages0 = visionflow.graphMessages;
              window.__status0 = visionflow.statusTriggers;
              window.__agents0 = JSON.stringify([...visionflow.agents.values()].map(a => [a.cpu_usage, a.memory_usage, a.status]));
              return true;
            })()
            """, Wait, "the window started");

        // A new agent in the window: a topology change for certain (the simulator's conversations make more). Its node
        // reaches the page's graph from /ws, with no read of /api/graph.
        using (var spawn = await server.Http.PostAsync("/api/bots/agents", new StringContent("""{"type":"tester"}""", System.Text.Encoding.UTF8, "application/json")))
        {
            await Assert.That(spawn.IsSuccessStatusCode).IsTrue();
        }

        await browser.WaitForAsync($"{AgentNodes} === 7 && visionflow.drawnAgents === 7 && visionflow.topologyNotices > window.__topology0", Wait, "the spawned agent's node from /ws, after a topology notice");

        // Sixteen seconds of the page's time: longer than every polling period it had (2 s, 3 s, 10 s, 15 s).
        await browser.WaitForAsync("performance.now() - window.__t0 > 16000", Wait, "sixteen seconds with the stream open");
        var requests = (await browser.EvaluateAsync("""
            JSON.stringify(performance.getEntriesByType('resource').filter(e => e.startTime >= window.__t0).map(e => new URL(e.name).pathname).filter(p => p.startsWith('/api/')))
            """))!.GetValue<string>();
        var paths = System.Text.Json.JsonDocument.Parse(requests).RootElement.EnumerateArray().Select(p => p.GetString()!).ToArray();
        var topologyNotices = (await browser.EvaluateAsync("visionflow.topologyNotices - window.__topology0"))!.GetValue<int>();
        var statusTriggers = (await browser.EvaluateAsync("visionflow.statusTriggers - window.__status0"))!.GetValue<int>();
        var agentsMoved = (await browser.EvaluateAsync("""
            window.__agents0 !== JSON.stringify([...visionflow.agents.values()].map(a => [a.cpu_usage, a.memory_usage, a.status]))
            """))!.GetValue<bool>();
        var open = (await browser.EvaluateAsync("visionflow.streamOpen"))!.GetValue<bool>();
        var graphMessages = (await browser.EvaluateAsync("visionflow.graphMessages - window.__graphMessages0"))!.GetValue<int>();
        var carriedTimeline = (await browser.EvaluateAsync("window.__carriedTimeline"))!.GetValue<int>();

        await Assert.That(open).IsTrue();
        await Assert.That(agentsMoved).IsTrue().Because("the simulator changes its agents ten times a second; the table must follow /ws");
        // Reads follow events, never a timer: the status and health when a notice says the link or the level moved (a
        // busy machine's health checks can), and then the history timeline's summary and markers (at most one read per
        // notice). The agents, swarms, tasks and the graph are not read at all: a topology change brings its nodes and
        // edges as messages.
        var why = "requests in the window: " + string.Join(", ", paths) + $"; topology notices {topologyNotices}, graph messages {graphMessages}, status notices {statusTriggers}, carried in {carriedTimeline}";
        string[] evented = ["/api/bots/status", "/api/health/network", "/api/history", "/api/history/events"];
        await Assert.That(topologyNotices).IsGreaterThanOrEqualTo(1).Because(why);
        await Assert.That(graphMessages).IsGreaterThanOrEqualTo(1).Because(why);
        await Assert.That(paths.Count(p => p == "/api/graph")).IsEqualTo(0).Because(why);
        await Assert.That(paths.Where(p => !evented.Contains(p))).IsEmpty().Because(why);
        await Assert.That(paths.Count(p => p == "/api/bots/status")).IsLessThanOrEqualTo(statusTriggers).Because(why);
        await Assert.That(paths.Count(p => p == "/api/health/network")).IsLessThanOrEqualTo(statusTriggers).Because(why);
        await Assert.That(paths.Count(p => p == "/api/history")).IsLessThanOrEqualTo(statusTriggers + carriedTimeline).Because(why);

        // An agent that goes: the topology notice names its node, and the page drops it from what it draws (frames after
        // the first are never complete again, so nothing else would).
        var gone = (await browser.EvaluateAsync("[...visionflow.agents.values()][0].id"))!.GetValue<string>();
        using (var terminate = await server.Http.DeleteAsync($"/api/bots/agents/{Uri.EscapeDataString(gone)}"))
        {
            await Assert.That(terminate.IsSuccessStatusCode).IsTrue();
        }

        await browser.WaitForAsync($"{AgentNodes} === 6 && visionflow.drawnAgents === 6", Wait, "the terminated agent's node no longer drawn");
    }
}

using Microsoft.Extensions.DependencyInjection;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Streaming;
using VisionFlow.Testing.Hosting;

namespace VisionFlow.Server.Tests.Browser;

/// <summary>The built-in viewer in real headless Chromium against the real Kestrel host.</summary>
public sealed class ViewerBrowserTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Viewer_draws_streamed_nodes_and_says_when_MCP_is_off()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false }, runtime: false);
        var hub = server.Services.GetRequiredService<NodeSnapshotHub>();
        var notices = server.Services.GetRequiredService<StreamNotices>();
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(server.Address);
        await browser.WaitForAsync("window.visionflow && visionflow.streamOpen", Wait, "an open stream");

        hub.Publish(StreamEncodingTests.Snapshot(1, 1, (1, -50, 0, 0), (2, 50, 0, 0), (0x80000001, 0, 40, 0)));
        var drawn = await browser.WaitForAsync("visionflow.drawnNodes === 3 && visionflow.drawnAgents === 1 && visionflow.drawnNodes", Wait, "3 drawn nodes");
        await Assert.That(drawn!.GetValue<int>()).IsEqualTo(3);

        hub.Publish(StreamEncodingTests.Snapshot(1, 2, (1, -50, 0, 0), (2, 80, 0, 0), (0x80000001, 0, 40, 0)));
        await browser.WaitForAsync("visionflow.position(2)[0] === 80", Wait, "the delta applied to node 2");

        // ENABLE_MCP=false is no degradation: the banner says MCP is off and how to turn it on, whatever a notice says.
        notices.PublishDegradation("fully_operational", "All systems operational");
        var banner = await browser.WaitForAsync(
            "document.getElementById('banner').className.includes('level-disabled') && document.getElementById('banner-message').textContent",
            Wait, "the MCP-off banner");
        await Assert.That(banner!.GetValue<string>()).Contains("ENABLE_MCP=false");
        await Assert.That(banner!.GetValue<string>()).Contains("visionflow --simulator");

        var shots = Environment.GetEnvironmentVariable("VISIONFLOW_SCREENSHOTS");
        if (!string.IsNullOrEmpty(shots))
        {
            await browser.ScreenshotAsync(Path.Combine(shots, "viewer.png"));
        }
    }

    [Test]
    public async Task Viewer_draws_a_simulated_swarm_then_the_banner_when_the_peer_dies_then_recovery()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 8);
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(swarm));
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(server.Address);

        await browser.WaitForAsync("window.visionflow && visionflow.frames > 0 && visionflow.drawnAgents === 8 && visionflow.drawnNodes > 8", Wait, "8 agents and the knowledge graph drawn");
        await browser.WaitForAsync("document.getElementById('banner-source').textContent.includes('SIMULATED')", Wait, "the simulator label");
        await browser.WaitForAsync("document.getElementById('banner').className.includes('level-fully_operational')", Wait, "the operational banner");
        var shots = Environment.GetEnvironmentVariable("VISIONFLOW_SCREENSHOTS");
        if (!string.IsNullOrEmpty(shots))
        {
            await browser.ScreenshotAsync(Path.Combine(shots, "viewer-swarm.png"));
        }

        await swarm.KillAsync();
        var level = await browser.WaitForAsync(
            "!document.getElementById('banner').className.includes('level-fully_operational') && document.getElementById('banner-level').textContent",
            Wait, "a degradation banner");
        await Assert.That(level!.GetValue<string>()).IsNotEqualTo("fully operational");
        if (!string.IsNullOrEmpty(shots))
        {
            await browser.ScreenshotAsync(Path.Combine(shots, "viewer-degraded.png"));
        }

        swarm.StartServer(agents: 5);
        await browser.WaitForAsync("document.getElementById('banner').className.includes('level-fully_operational')", Wait, "recovery to fully operational");
        await browser.WaitForAsync("visionflow.drawnAgents === 5", Wait, "the restarted server's 5 agents");
    }
}

using Microsoft.Extensions.DependencyInjection;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Streaming;

namespace VisionFlow.Server.Tests.Browser;

/// <summary>The built-in viewer in real headless Chromium against the real Kestrel host.</summary>
public sealed class ViewerBrowserTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Viewer_draws_streamed_nodes_and_shows_degradation_banner()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false });
        var hub = server.Services.GetRequiredService<NodeSnapshotHub>();
        var notices = server.Services.GetRequiredService<StreamNotices>();
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(server.Address);
        await browser.WaitForAsync("window.visionflow && visionflow.streamOpen", Wait, "an open stream");

        hub.Publish(StreamEncodingTests.Snapshot(1, 1, (1, -50, 0, 0), (2, 50, 0, 0), (0x80000001, 0, 40, 0)));
        var drawn = await browser.WaitForAsync("visionflow.drawnNodes === 3 && visionflow.drawnAgents === 1 && visionflow.drawnNodes", Wait, "3 drawn nodes");
        await Assert.That(drawn!.GetValue<int>()).IsEqualTo(3);

        hub.Publish(StreamEncodingTests.Snapshot(1, 2, (1, -50, 0, 0), (2, 80, 0, 0), (0x80000001, 0, 40, 0)));
        await browser.WaitForAsync("visionflow.nodes.get(2)[0] === 80", Wait, "the delta applied to node 2");

        notices.PublishDegradation("emergency_mode", "MCP server unreachable");
        var banner = await browser.WaitForAsync(
            "document.getElementById('banner').className.includes('level-emergency_mode') && document.getElementById('banner-message').textContent",
            Wait, "the emergency banner");
        await Assert.That(banner!.GetValue<string>()).IsEqualTo("MCP server unreachable");
        var buttonsDisabled = await browser.EvaluateAsync("[...document.querySelectorAll('aside button')].every(b => b.disabled)");
        await Assert.That(buttonsDisabled!.GetValue<bool>()).IsTrue();

        notices.PublishDegradation("fully_operational", "All systems operational");
        await browser.WaitForAsync("document.getElementById('banner').className.includes('level-fully_operational')", Wait, "recovery");

        var shots = Environment.GetEnvironmentVariable("VISIONFLOW_SCREENSHOTS");
        if (!string.IsNullOrEmpty(shots))
        {
            await browser.ScreenshotAsync(Path.Combine(shots, "viewer.png"));
        }
    }
}

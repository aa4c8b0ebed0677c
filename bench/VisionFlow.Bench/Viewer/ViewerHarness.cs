using System.Globalization;
using VisionFlow.Bench.Load;
using VisionFlow.Server.Tests.Browser;

namespace VisionFlow.Bench.Viewer;

/// <summary>
/// The built-in viewer in headless Chromium against the published binary running its simulator in-process
/// (<c>visionflow --simulator</c>): <c>viewer [agents] [seconds]</c> measures the frame rate (requestAnimationFrame
/// callbacks over a window, with the frame-interval percentiles); <c>screenshot [agents] [path]</c> saves the picture
/// in the README.
/// </summary>
internal static class ViewerHarness
{
    private static readonly TimeSpan LoadWait = TimeSpan.FromMinutes(3);

    public static async Task<int> RunFrameRateAsync(int agents, double seconds)
    {
        var loadStart = Load.ProcSampler.LoadAverage();
        await using var service = await ChildProcess.StartServiceWithSimulatorAsync(agents).ConfigureAwait(false);
        await using var browser = await OpenAsync(service, agents).ConfigureAwait(false);

        // Zoomed out to the whole graph (the default fit), after the view has settled on it. The renderer the viewer
        // picks by itself, then the vector one forced, as the baseline of the same run.
        await Task.Delay(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
        Console.WriteLine("| renderer | agents | nodes drawn | edges | frames/s | frame interval p50 / p95 / max, ms | draw, ms a frame (wall) | page main thread, CPU ms a frame | page process, CPU % of a core | load average before → after |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|---:|---:|---:|---|");
        foreach (var renderer in new[] { "auto", "vector" })
        {
            await browser.EvaluateAsync($"visionflow.renderer = '{renderer}'").ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            var before = Load.ProcSampler.LoadAverage();
            // CPU time of the page (DevTools counters) over the same window: what drawing costs, whatever else runs.
            var cpuBefore = await browser.MetricsAsync().ConfigureAwait(false);
            var r = await MeasureAsync(browser, seconds).ConfigureAwait(false);
            var cpuAfter = await browser.MetricsAsync().ConfigureAwait(false);
            var after = Load.ProcSampler.LoadAverage();
            var frames = r["frames"]!.GetValue<double>();
            var window = cpuAfter["Timestamp"] - cpuBefore["Timestamp"];
            var threadMsPerFrame = (cpuAfter["ThreadTime"] - cpuBefore["ThreadTime"]) * 1000 / Math.Max(frames, 1);
            var processShare = (cpuAfter["ProcessTime"] - cpuBefore["ProcessTime"]) * 100 / window;
            Console.WriteLine(
                $"| {renderer} | {agents:N0} | {r["drawn"]} | {r["edges"]} | {r["fps"]!.GetValue<double>():F1} | " +
                $"{r["p50"]!.GetValue<double>():F1} / {r["p95"]!.GetValue<double>():F1} / {r["max"]!.GetValue<double>():F1} | " +
                $"{r["drawMs"]!.GetValue<double>():F2} | {threadMsPerFrame:F2} | {processShare:F0} % | `{Short(before)}` → `{Short(after)}` |");
        }

        Console.WriteLine($"load average at start {Short(loadStart)}, at end {Short(Load.ProcSampler.LoadAverage())}");
        return 0;
    }

    private static string Short(string loadAverage) => string.Join(' ', loadAverage.Split(' ').Take(3));

    private static async Task<System.Text.Json.Nodes.JsonNode> MeasureAsync(HeadlessChromium browser, double seconds)
    {
        var ms = (seconds * 1000).ToString(CultureInfo.InvariantCulture);
        return (await browser.EvaluateAsync($$"""
            new Promise((resolve) => {
              const deltas = [];
              const start = performance.now();
              let last = start;
              function tick(t) {
                deltas.push(t - last);
                last = t;
                if (t - start < {{ms}}) { requestAnimationFrame(tick); return; }
                deltas.shift();
                const sorted = [...deltas].sort((a, b) => a - b);
                const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
                resolve({
                  frames: deltas.length, fps: deltas.length * 1000 / (t - start), p50: q(0.5), p95: q(0.95), max: sorted[sorted.length - 1],
                  drawMs: visionflow.drawMs, drawn: visionflow.drawnNodes, onScreen: visionflow.onScreen, edges: visionflow.edgeCount(),
                });
              }
              requestAnimationFrame(tick);
            })
            """).ConfigureAwait(false))!;
    }

    public static async Task<int> RunScreenshotAsync(int agents, string path)
    {
        await using var service = await ChildProcess.StartServiceWithSimulatorAsync(agents).ConfigureAwait(false);
        await using var browser = await OpenAsync(service, agents).ConfigureAwait(false);

        // Let the layout settle, then pin the agent with the most message flows so the picture shows its details.
        await Task.Delay(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        await browser.EvaluateAsync("""
            (() => {
              const flows = new Map();
              for (const a of visionflow.agents.values()) flows.set(a.node_id >>> 0, 0);
              const info = visionflow.edgeList();
              for (const [s, t, , kind] of info) if (kind === 'message_flow') { if (flows.has(s)) flows.set(s, flows.get(s) + 1); if (flows.has(t)) flows.set(t, flows.get(t) + 1); }
              const best = [...flows.entries()].sort((a, b) => b[1] - a[1])[0];
              if (best) visionflow.pin(best[0]);
              return best ? best[1] : 0;
            })()
            """).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // Three quarters of the 1280-pixel-wide window: still legible, and a README picture of a third of a megabyte less.
        await browser.ScreenshotAsync(full, 0.75).ConfigureAwait(false);
        Console.WriteLine($"viewer at {agents:N0} simulated agents: {full} ({new FileInfo(full).Length / 1024} KiB)");
        return 0;
    }

    /// <summary>
    /// The viewer against the real Claude Flow (the interop install, started by the binary over stdio): a mesh swarm of a
    /// coder, a researcher and a tester, and a task assigned to two of them, as a user would make them through REST; the
    /// swarm's hub pinned. The README's second picture.
    /// </summary>
    public static async Task<int> RunClaudeFlowScreenshotAsync(string path)
    {
        var command = await VisionFlow.Testing.Interop.McpServers.ClaudeFlowCommandAsync().ConfigureAwait(false);
        await using var service = await ChildProcess.StartServiceWithCommandAsync(command).ConfigureAwait(false);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{service.Port.ToString(CultureInfo.InvariantCulture)}/") };
        await VisionFlow.Testing.JsonPolling.WaitForJsonAsync(http, "/api/bots/status", s => s.GetProperty("mcp_state").GetString() == "connected", "connected to claude-flow", LoadWait).ConfigureAwait(false);
        using var init = await http.PostAsync("/api/bots/multi-agent/init", Body("""{"topology":"mesh","max_agents":4,"agent_types":["coder","researcher","tester"]}""")).ConfigureAwait(false);
        var created = System.Text.Json.JsonDocument.Parse(await init.Content.ReadAsStringAsync().ConfigureAwait(false)).RootElement;
        if (!init.IsSuccessStatusCode) throw new InvalidOperationException($"init answered {(int)init.StatusCode}: {created}");
        var agents = created.GetProperty("agent_ids").EnumerateArray().Select(a => a.GetString()!).ToArray();
        using var task = await http.PostAsync("/api/bots/tasks", Body("""{"description":"review the parser change","priority":"high"}""")).ConfigureAwait(false);
        var taskId = System.Text.Json.JsonDocument.Parse(await task.Content.ReadAsStringAsync().ConfigureAwait(false)).RootElement.GetProperty("id").GetString()!;
        using var assign = await http.PostAsync($"/api/bots/tasks/{taskId}/assign", Body($$"""{"agent_ids":["{{agents[0]}}","{{agents[2]}}"]}""")).ConfigureAwait(false);
        if (!assign.IsSuccessStatusCode) throw new InvalidOperationException($"assign answered {(int)assign.StatusCode}");

        await using var browser = await HeadlessChromium.StartAsync().ConfigureAwait(false);
        await browser.NavigateAsync(http.BaseAddress).ConfigureAwait(false);
        await browser.WaitForAsync(
            "window.visionflow && visionflow.agents.size >= 3 && visionflow.edgeList().some(e => e[3] === 'membership') && visionflow.edgeList().some(e => e[3] === 'assignment')",
            LoadWait, "the swarm and the task drawn").ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(10)).ConfigureAwait(false); // the layout settles
        await browser.EvaluateAsync("""
            (() => {
              const hub = visionflow.edgeList().find(e => e[3] === 'membership');
              if (hub) visionflow.pin(hub[1]);
              return !!hub;
            })()
            """).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await browser.ScreenshotAsync(full, 0.75).ConfigureAwait(false);
        Console.WriteLine($"viewer against claude-flow (swarm {created.GetProperty("id").GetString()}, task {taskId}): {full} ({new FileInfo(full).Length / 1024} KiB)");
        return 0;
    }

    private static StringContent Body(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static async Task<HeadlessChromium> OpenAsync(ChildProcess service, int agents)
    {
        var browser = await HeadlessChromium.StartAsync().ConfigureAwait(false);
        try
        {
            await browser.NavigateAsync(new Uri($"http://127.0.0.1:{service.Port.ToString(CultureInfo.InvariantCulture)}/")).ConfigureAwait(false);
            await browser.WaitForAsync(
                $"window.visionflow && visionflow.agents.size >= {agents} && visionflow.drawnAgents >= {agents}",
                LoadWait, $"{agents} agents drawn").ConfigureAwait(false);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

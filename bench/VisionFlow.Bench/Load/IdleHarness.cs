using System.Diagnostics;
using System.Globalization;
using System.Text;
using static VisionFlow.Bench.Load.LoadTools;

namespace VisionFlow.Bench.Load;

/// <summary>
/// <c>idle [seconds] [baseline-binary] [settle-timeout-seconds]</c>: what a graph that does not move costs. Per binary
/// (the baseline first when given, then <see cref="ChildProcess.Binary"/>) and per set-up — the built-in simulator with
/// no agents (<c>--simulator --simulator-agents 0</c>: an MCP session and its pushes, but no agent changes) and MCP off
/// (<c>ENABLE_MCP=false</c>) — a fresh service laying out the embedded knowledge graph with one <c>/ws</c> viewer. It
/// waits until the layout has settled (no physics step and no binary frame for 5 s in a row), then reads over the window
/// the service's CPU time (utime + stime from /proc), its context switches summed over its threads (a timer that keeps
/// firing shows here; a thread that ends in the window is left out), the physics steps (<c>/metrics</c>, read just outside the window) and the binary frames the viewer
/// received. Nothing talks to the service during the window.
/// </summary>
internal static class IdleHarness
{
    private const int Calm = 5;

    private sealed record Row(string Binary, string Setup, double SettleSeconds, bool Settled, double Seconds, double CpuSeconds, long Frames, double Steps, double Switches, string LoadStart, string LoadEnd);

    public static async Task<int> RunAsync(double seconds, string? baseline, double settleTimeout)
    {
        Console.WriteLine($"idle: {seconds} s windows, binary {ChildProcess.Binary}, baseline {baseline ?? "(none)"}");
        var rows = new List<Row>();
        foreach (var (label, binary) in baseline is null ? [("this build", (string?)null)] : new[] { ("baseline", baseline), ("this build", (string?)null) })
        {
            rows.Add(await MeasureAsync(label, binary, "simulator, 0 agents", simulator: true, seconds, settleTimeout));
            rows.Add(await MeasureAsync(label, binary, "MCP off", simulator: false, seconds, settleTimeout));
        }

        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Command: `./build.sh bench idle {seconds}{(baseline is null ? "" : " " + baseline)} {settleTimeout}` — {Machine()}.");
        sb.AppendLine("Per row a fresh `visionflow --port 0 --physics-backend cpu` laying out the embedded knowledge graph (13 notes, 31 links) with one `/ws` viewer: either `--simulator --simulator-agents 0` (an MCP session with the built-in simulator, no agents) or `ENABLE_MCP=false`. Settled = no physics step (`visionflow_physics_steps_total`) and no binary frame for 5 s in a row; then the window, in which nothing talks to the service. CPU = utime + stime of the service process; context switches summed over the threads alive at the window's end (end − start per thread).");
        sb.AppendLine();
        sb.AppendLine("| binary | set-up | time to settle | window | service CPU (% of a core) | binary frames received | physics steps | context switches/s | load average at start → end |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in rows)
        {
            var settle = r.Settled ? $"{F(r.SettleSeconds, "F0")} s" : $"not in {F(r.SettleSeconds, "F0")} s";
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Binary} | {r.Setup} | {settle} | {F(r.Seconds, "F0")} s | {F(r.CpuSeconds, "F2")} s ({F(r.CpuSeconds / r.Seconds * 100, "F2")} %) | {r.Frames} | {F(r.Steps, "F0")} | {F(r.Switches / r.Seconds)} | `{r.LoadStart}` → `{r.LoadEnd}` |");
        }

        var table = sb.ToString();
        Console.WriteLine();
        Console.WriteLine(table);
        WriteReadmeSection("Idle: a settled graph (bench idle)", table);
        return 0;
    }

    private static async Task<Row> MeasureAsync(string label, string? binary, string setup, bool simulator, double seconds, double settleTimeout)
    {
        Console.WriteLine($"  {label}, {setup}");
        var started = Stopwatch.StartNew();
        await using var service = simulator
            ? await ChildProcess.StartServiceWithSimulatorAsync(0, binary)
            : await ChildProcess.StartServiceAsync(FreePort(), new Dictionary<string, string> { ["ENABLE_MCP"] = "false" }, binary);
        using var http = NewHttp(service.Port, 1);
        await using var viewer = await StreamWatcher.ConnectAsync(service.Port, TimeSpan.FromSeconds(60));

        // Settled: neither a step nor a frame for Calm polls in a row.
        var (steps, frames, calm) = (await StepsAsync(http), viewer.Frames, 0);
        while (calm < Calm && started.Elapsed.TotalSeconds < settleTimeout && !service.HasExited)
        {
            await Task.Delay(1000);
            var (s, f) = (await StepsAsync(http), viewer.Frames);
            calm = s == steps && f == frames ? calm + 1 : 0;
            (steps, frames) = (s, f);
        }

        var settleSeconds = started.Elapsed.TotalSeconds;
        Console.WriteLine($"    {(calm >= Calm ? "settled" : "NOT settled")} after {F(settleSeconds, "F0")} s ({F(steps, "F0")} steps, {frames} frames)");

        var steps0 = await StepsAsync(http);
        var load0 = ProcSampler.LoadAverage();
        var cpu0 = ProcSampler.CpuTicks(service.Pid);
        var switches0 = ThreadSwitches.Sample(service.Pid);
        var frames0 = viewer.Frames;
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var cpu1 = ProcSampler.CpuTicks(service.Pid);
        var switches1 = ThreadSwitches.Sample(service.Pid);
        var frames1 = viewer.Frames;
        var elapsed = clock.Elapsed.TotalSeconds;
        var load1 = ProcSampler.LoadAverage();
        var steps1 = await StepsAsync(http);
        if (service.HasExited)
        {
            throw new InvalidOperationException($"the service exited:\n{service.Tail}");
        }

        var row = new Row(label, setup, settleSeconds, calm >= Calm, elapsed, (cpu1 - cpu0) / 100.0, frames1 - frames0, steps1 - steps0, ThreadSwitches.Total(switches0, switches1), load0, load1);
        Console.WriteLine($"    {F(row.CpuSeconds / elapsed * 100, "F2")} % of a core, {row.Frames} frames, {F(row.Steps, "F0")} steps, {F(row.Switches / elapsed)} context switches/s");
        Console.Write(ThreadSwitches.Describe(switches0, switches1, elapsed));
        return row;
    }

    private static async Task<double> StepsAsync(HttpClient http) => Metric(await http.GetStringAsync("/metrics"), "visionflow_physics_steps_total");
}

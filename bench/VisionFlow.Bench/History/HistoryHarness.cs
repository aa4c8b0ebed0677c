using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Microsoft.Extensions.Time.Testing;
using VisionFlow.History.Model;
using VisionFlow.History.Recording;

namespace VisionFlow.Bench.History;

/// <summary>
/// `history cost|stateat|recovery`: what recording costs, measured on this machine.
/// <list type="bullet">
/// <item><c>cost [agents] [minutes]</c>: realistic 10 Hz changes (<see cref="RealisticSwarm"/>) for that much recorded time on
/// a fake clock as fast as the CPU goes; CPU seconds of the whole process (the writer loop's compression and writes
/// included) per recorded second, against the same changes computed with recording off in the same run, and bytes
/// per hour; with gauges sampled at 1 s (the default) and with every change written.</item>
/// <item><c>stateat [hours] [agents] [queries]</c>: builds a recording of that length, then asks the state at random moments.</item>
/// <item><c>recovery [megabytes]</c>: a child process records a flood on the real clock and is killed with SIGKILL once the
/// store holds that much; the time to open the store again, and how much of the last second was lost.</item>
/// <item><c>service [agents] [seconds] [rounds]</c>: the published service itself (<c>VISIONFLOW_BINARY</c>) with its built-in simulator at
/// 10 Hz, recording on and off in turns (same run): the process's CPU time over a window after the agents are all
/// there and a warm-up, as a share of one core, and what recording on adds; <c>VISIONFLOW_BASELINE_BINARY</c> adds
/// another build with recording on to each round.</item>
/// </list>
/// </summary>
internal static class HistoryHarness
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        var what = args.Length > 0 ? args[0] : "cost";
        double Arg(int i, double fallback) => args.Length > i ? double.Parse(args[i], C) : fallback;
        switch (what)
        {
            case "cost":
                foreach (var agents in args.Length > 1 ? [(int)Arg(1, 1000)] : new[] { 1000, 10_000 })
                {
                    await CostAsync(agents, Arg(2, agents >= 10_000 ? 2 : 10), TimeSpan.FromSeconds(1), CompressionLevel.Optimal);
                    await CostAsync(agents, Arg(2, agents >= 10_000 ? 2 : 10), TimeSpan.Zero, CompressionLevel.Optimal);
                    await CostAsync(agents, Arg(2, agents >= 10_000 ? 2 : 10), TimeSpan.FromSeconds(1), CompressionLevel.Fastest);
                    if (agents < 10_000)
                    {
                        await CostAsync(agents, Arg(2, 10), TimeSpan.FromSeconds(1), CompressionLevel.SmallestSize);
                    }
                }

                return 0;
            case "stateat":
                return await StateAtAsync(Arg(1, 24), (int)Arg(2, 1000), (int)Arg(3, 300));
            case "recovery":
                return await RecoveryAsync((long)(Arg(1, 256) * 1024 * 1024));
            case "flood":
                return await FloodAsync(args[1]);
            case "service":
                return await ServiceCostAsync(
                    Environment.GetEnvironmentVariable("VISIONFLOW_BINARY") ?? "artifacts/bin/visionflow", Environment.GetEnvironmentVariable("VISIONFLOW_BASELINE_BINARY"),
                    (int)Arg(1, 10_000), Arg(2, 30), (int)Arg(3, 2));
            default:
                Console.Error.WriteLine("history cost [agents] [minutes] | stateat [hours] [agents] [queries] | recovery [megabytes] | service [agents] [seconds] [rounds]");
                return 2;
        }
    }

    /// <summary>
    /// Recording on and off in turns, each round; with <paramref name="baseline"/> (another build, e.g. main's) also that
    /// binary with recording on in the same round, so both builds' recording cost is read against the same "off"
    /// (recording off runs none of the recording code, so the off rows stand for both).
    /// </summary>
    private static async Task<int> ServiceCostAsync(string binary, string? baseline, int agents, double seconds, int rounds)
    {
        Console.WriteLine($"history service: {binary}{(baseline is null ? "" : $" (baseline {baseline}, recording on)")}, {agents} agents at 10 Hz, {seconds} s windows, {rounds} rounds; load {File.ReadAllText("/proc/loadavg").Trim()}");
        var runs = new List<(string Name, string Binary, bool Recording)> { ("on ", binary, true), ("off", binary, false) };
        if (baseline is not null)
        {
            runs.Add(("baseline on", baseline, true));
        }

        var results = runs.ToDictionary(r => r.Name, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, path, recording) in runs)
            {
                var folder = Directory.CreateTempSubdirectory("vf-bench-history-").FullName;
                var psi = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                var port = FreePort();
                foreach (var a in new[] { "--simulator", "--simulator-agents", agents.ToString(C), "--mcp-max-agents", agents.ToString(C), "--port", port.ToString(C), "--physics-backend", "cpu", "--log-level", "warning" })
                {
                    psi.ArgumentList.Add(a);
                }

                psi.Environment["VISIONFLOW_HISTORY"] = recording ? "true" : "false";
                psi.Environment["VISIONFLOW_HISTORY_DIR"] = folder;
                using var process = Process.Start(psi)!;
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                try
                {
                    // Warm-up: the agents arrive and the layout settles its first steps.
                    await Task.Delay(TimeSpan.FromSeconds(20));
                    var events0 = await EventsAcceptedAsync(port);
                    process.Refresh();
                    var cpu0 = process.TotalProcessorTime;
                    var wall = Stopwatch.StartNew();
                    await Task.Delay(TimeSpan.FromSeconds(seconds));
                    process.Refresh();
                    var share = (process.TotalProcessorTime - cpu0).TotalSeconds / wall.Elapsed.TotalSeconds;
                    var rate = (await EventsAcceptedAsync(port) - events0) / wall.Elapsed.TotalSeconds;
                    results[name].Add(share);
                    var bytes = Directory.EnumerateFiles(folder).Sum(f => new FileInfo(f).Length);
                    // The events applied say whether the simulator and the intake kept up their 10 Hz (agents x 10 a second)
                    // on a loaded machine: a starved round records less and reads cheaper than it is.
                    Console.WriteLine($"  round {round + 1}, recording {name}: {share * 100:F1} % of a core, {rate / 1000:F1}k events/s applied, history folder {bytes / 1e6:F1} MB; load {File.ReadAllText("/proc/loadavg").Trim()}");
                }
                finally
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                    Directory.Delete(folder, recursive: true);
                }
            }
        }

        var off = results["off"];
        foreach (var name in results.Keys.Where(n => n != "off"))
        {
            var on = results[name];
            var added = on.Zip(off, (a, b) => (a - b) * 100).ToList();
            Console.WriteLine(string.Create(C,
                $"recording {name.Trim()} {on.Average() * 100:F1} %, off {off.Average() * 100:F1} % of a core: recording adds {added.Average():F1} % of a core " +
                $"({(on.Average() - off.Average()) / off.Average() * 100:F0} % of the service's own); per round {string.Join(", ", added.Select(a => a.ToString("+0.0;-0.0", C)))}"));
        }

        return 0;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The service's count of telemetry events applied (<c>/metrics</c>); NaN when it cannot be read.</summary>
    private static async Task<double> EventsAcceptedAsync(int port)
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith("visionflow_telemetry_events_accepted", StringComparison.Ordinal))
                {
                    return double.Parse(line[(line.LastIndexOf(' ') + 1)..], C);
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or FormatException)
        {
        }

        return double.NaN;
    }

    private static async Task CostAsync(int agents, double minutes, TimeSpan gaugeInterval, CompressionLevel level)
    {
        var ticks = (int)(minutes * 60 * 10);

        // Recording off: the same changes computed and handed to a batch that records nothing.
        var off = new RealisticSwarm(agents);
        var offCpu = Cpu(() =>
        {
            for (var t = 0; t < ticks; t++)
            {
                off.Tick(default(RecordingBatch));
            }
        });

        var dir = TempDir();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new HistoryRecorderOptions { Directory = dir, MaxBytes = 64L * 1024 * 1024 * 1024, GaugeInterval = gaugeInterval, Compression = level };
        var recorder = new HistoryRecorder(options, time);
        var swarm = new RealisticSwarm(agents);
        swarm.Start(recorder);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var onCpu = await CpuAsync(async () =>
        {
            for (var t = 0; t < ticks; t++)
            {
                swarm.Tick(recorder);
                time.Advance(TimeSpan.FromMilliseconds(100));
                // Real time gives the writer 100 ms per tick; the fake clock waits for it instead (its CPU is counted all the same).
                await recorder.WhenWrittenAsync();
            }

            await recorder.FlushAsync();
        });
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var summary = recorder.Reader.Summary();
        await recorder.DisposeAsync();
        var seconds = ticks / 10.0;
        var changes = (long)ticks * agents;
        var added = onCpu - offCpu;
        Console.WriteLine(string.Create(C,
            $"agents {agents,6}  gauges {(gaugeInterval == TimeSpan.Zero ? "every change" : $"{gaugeInterval.TotalSeconds:0} s")}  deflate {level}  recorded {seconds / 60:0.#} min: " +
            $"cpu on {onCpu:F2} s, off {offCpu:F2} s -> recording adds {100 * added / seconds:F2} % of a core at 10 Hz ({1e9 * added / changes:F0} ns/change); " +
            $"{summary.Bytes / seconds * 3600 / 1e6:F1} MB/hour ({(double)summary.Bytes / changes:F2} B/change); {summary.Events:N0} records; " +
            $"allocated (whole process, writer included) {(double)allocated / changes:F3} B/change; dropped {recorder.Status.DroppedRecords}"));
        Directory.Delete(dir, true);
    }

    private static async Task<int> StateAtAsync(double hours, int agents, int queries)
    {
        var dir = TempDir();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var recorder = new HistoryRecorder(new HistoryRecorderOptions { Directory = dir, MaxBytes = 64L * 1024 * 1024 * 1024 }, time);
        var swarm = new RealisticSwarm(agents);
        swarm.Start(recorder);

        // 10 Hz input for the first minute, then 1 Hz: with gauges sampled at 1 s the store holds the same records
        // (the latest value per second) at a tenth of the building time. Status flips keep their 1-5 s rhythm.
        var build = Stopwatch.StartNew();
        var seconds = (long)(hours * 3600);
        for (long s = 0; s < seconds; s++)
        {
            if (s < 60)
            {
                for (var t = 0; t < 10; t++)
                {
                    swarm.Tick(recorder);
                    time.Advance(TimeSpan.FromMilliseconds(100));
                }
            }
            else
            {
                swarm.Tick(recorder, 1.0);
                time.Advance(TimeSpan.FromSeconds(1));
            }

            await recorder.WhenWrittenAsync();
        }

        await recorder.FlushAsync();
        build.Stop();
        var reader = recorder.Reader;
        var summary = reader.Summary();
        Console.WriteLine(string.Create(C, $"built {hours} h of {agents} agents in {build.Elapsed.TotalSeconds:F0} s: {summary.Bytes / 1e6:F1} MB, {summary.Events:N0} records, {summary.Segments} segments"));
        var random = new Random(5);
        var first = summary.First!.Value;
        var span = (summary.Last!.Value - first).Ticks;
        var latencies = new List<double>();
        for (var q = 0; q < queries + 10; q++)
        {
            var at = first.AddTicks((long)(random.NextDouble() * span));
            var sw = Stopwatch.StartNew();
            var result = reader.StateAt(at);
            sw.Stop();
            if (result.State!.Agents.Count != agents)
            {
                Console.Error.WriteLine($"state at {at:O} has {result.State.Agents.Count} agents, expected {agents}");
                return 1;
            }

            if (q >= 10)
            {
                latencies.Add(sw.Elapsed.TotalMilliseconds);
            }
        }

        latencies.Sort();
        Console.WriteLine(string.Create(C,
            $"state?at= over {queries} random moments: p50 {Pct(latencies, 0.5):F1} ms, p90 {Pct(latencies, 0.9):F1} ms, p99 {Pct(latencies, 0.99):F1} ms, max {latencies[^1]:F1} ms"));
        await recorder.DisposeAsync();
        Directory.Delete(dir, true);
        return 0;
    }

    private static async Task<int> RecoveryAsync(long bytes)
    {
        var dir = TempDir();
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(HistoryHarness).Assembly.Location);
        }

        foreach (var a in new[] { "history", "flood", dir })
        {
            start.ArgumentList.Add(a);
        }

        using var child = Process.Start(start)!;
        long lastBegun = 0;
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            // "<µs of the last batch begun> <store bytes>"
            var parts = line.Split(' ');
            lastBegun = long.Parse(parts[0], C);
            if (long.Parse(parts[1], C) >= bytes)
            {
                break;
            }
        }

        child.Kill();
        await child.WaitForExitAsync();
        var sw = Stopwatch.StartNew();
        var recorder = new HistoryRecorder(new HistoryRecorderOptions { Directory = dir, MaxBytes = 64L * 1024 * 1024 * 1024 });
        sw.Stop();
        var summary = recorder.Reader.Summary();
        await recorder.DisposeAsync();
        var lost = Micros.ToTime(lastBegun) - summary.Last!.Value;
        Console.WriteLine(string.Create(C,
            $"killed (SIGKILL) at {summary.Bytes / 1e6:F1} MB in {summary.Segments} segments; reopened in {sw.Elapsed.TotalMilliseconds:F0} ms " +
            $"(torn tail dropped: {recorder.RecoveredTornBytes} bytes); last record {lost.TotalMilliseconds:F0} ms before the last batch the child began"));
        Directory.Delete(dir, true);
        return 0;
    }

    /// <summary>The child of <c>recovery</c>: 10,000 agents' changes on the real clock, as fast as it goes, reporting progress until killed.</summary>
    private static async Task<int> FloodAsync(string dir)
    {
        var recorder = new HistoryRecorder(new HistoryRecorderOptions { Directory = dir, MaxBytes = 64L * 1024 * 1024 * 1024, GaugeInterval = TimeSpan.Zero });
        var swarm = new RealisticSwarm(10_000);
        swarm.Start(recorder);
        var report = Stopwatch.StartNew();
        while (true)
        {
            long begun;
            using (var b = recorder.Begin())
            {
                begun = Micros.From(b.At);
                swarm.Tick(b);
            }

            if (report.ElapsedMilliseconds >= 50)
            {
                report.Restart();
                Console.WriteLine(string.Create(C, $"{begun} {Directory.EnumerateFiles(dir).Sum(f => new FileInfo(f).Length)}"));
                await Task.Yield();
            }
        }
    }

    private static double Pct(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "vf-history-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static double Cpu(Action body)
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        body();
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalSeconds;
    }

    private static async Task<double> CpuAsync(Func<Task> body)
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        await body();
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalSeconds;
    }
}

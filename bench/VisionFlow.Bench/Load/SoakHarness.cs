using System.Diagnostics;
using System.Text;
using static VisionFlow.Bench.Load.LoadTools;

namespace VisionFlow.Bench.Load;

/// <summary>
/// <c>soak [minutes]</c>: 100 MCP connections at 10 pings/s each (1,000 req/s) to the simulator, 50 agents at 10 Hz
/// through the service, two `/ws` clients; the service's RSS and fds sampled every second. Flat is the pass.
/// </summary>
internal static class SoakHarness
{
    private const int Connections = 100;
    private const int Agents = 50;

    public static async Task<int> RunAsync(double minutes)
    {
        var loadStart = ProcSampler.LoadAverage();
        var duration = TimeSpan.FromMinutes(minutes);
        await using var simulator = await ChildProcess.StartSimulatorAsync(0, Agents);
        await using var service = await ChildProcess.StartServiceAsync(simulator.Port, new Dictionary<string, string>());
        Console.WriteLine($"soak: {minutes} min; simulator pid {simulator.Pid} port {simulator.Port}, service pid {service.Pid} port {service.Port}");
        using var http = NewHttp(service.Port, 2);
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(60) && (await ProbeAsync(http)).Agents != Agents)
        {
            await Task.Delay(250);
        }

        using var stop = new CancellationTokenSource(duration);
        var sampler = new ProcSampler(service.Pid);
        var sampling = sampler.RunAsync(TimeSpan.FromSeconds(1), stop.Token);
        var gcSampling = GcSampleAsync(http, stop.Token);
        var rtts = new List<double>();
        var clock = Stopwatch.StartNew();
        var pings = Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => PingLoopAsync(simulator.Port, echo: false, duration, 10, rtts, stop.Token)));
        var ws = Enumerable.Range(0, 2).Select(_ => LoadHarness.WsClientAsync(service.Port, stop.Token)).ToArray();
        var mismatches = 0;
        var checks = 0;
        using (var timer = new PeriodicTimer(TimeSpan.FromSeconds(5)))
        {
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    checks++;
                    var p = await ProbeAsync(http, stop.Token);
                    if (p.Agents != Agents || p.Level != "fully_operational")
                    {
                        mismatches++;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        var errors = (await pings).Sum();
        var wsResults = await Task.WhenAll(ws);
        await sampling;
        var gc = await gcSampling;
        var wall = clock.Elapsed.TotalSeconds;
        var s = sampler.Samples;
        var crashed = service.HasExited;
        var sb = new StringBuilder();
        sb.AppendLine($"Command: `./build.sh bench soak {minutes}` (= `dotnet run -c Release --project bench/VisionFlow.Bench -- soak {minutes}`) — {Machine()}; load average at start `{loadStart}`, at end `{ProcSampler.LoadAverage()}`.");
        sb.AppendLine($"{Connections} MCP connections × 10 `ping`/s to the simulator, {Agents} agents at 10 Hz through the service, 2 `/ws` clients, status checked every 5 s.");
        sb.AppendLine();
        sb.AppendLine("| measure | value |");
        sb.AppendLine("|---|---|");
        sb.AppendLine($"| MCP pings: req/s, p50 / p99 RTT, errors | {F(rtts.Count / wall, "F0")}, {F(Percentile(rtts, 0.5) / 1000, "F3")} / {F(Percentile(rtts, 0.99) / 1000, "F3")} ms, {errors} |");
        sb.AppendLine($"| `/ws` frames/s (2 clients), clients dropped | {F(wsResults.Sum(w => w.Frames) / wall, "F0")}, {wsResults.Count(w => w.Failed)} |");
        sb.AppendLine($"| status checks not fully_operational with {Agents} agents | {mismatches} of {checks} |");
        if (s.Count > 4)
        {
            var q = s.Count / 4;
            double Rss(IEnumerable<ProcSample> x) => x.Average(v => v.RssKb) / 1024.0;
            sb.AppendLine($"| service RSS MiB: mean of each quarter | {F(Rss(s.Take(q)))} → {F(Rss(s.Skip(q).Take(q)))} → {F(Rss(s.Skip(2 * q).Take(q)))} → {F(Rss(s.Skip(3 * q)))} (max {F(s.Max(v => v.RssKb) / 1024.0)}) |");
            sb.AppendLine($"| service fds: first / max / last | {s[0].Fds} / {s.Max(v => v.Fds)} / {s[^1].Fds} |");
            sb.AppendLine($"| service CPU %: mean | {F(s.Average(v => v.CpuPercent))} |");
        }

        if (gc.Count > 4)
        {
            var q = gc.Count / 4;
            string Quarters(Func<GcSample, double> f) =>
                $"{F(gc.Take(q).Average(f) / 1048576)} → {F(gc.Skip(q).Take(q).Average(f) / 1048576)} → {F(gc.Skip(2 * q).Take(q).Average(f) / 1048576)} → {F(gc.Skip(3 * q).Average(f) / 1048576)}";
            sb.AppendLine($"| managed heap after GC, MiB (`dotnet_gc_heap_size_bytes`, every 5 s): mean of each quarter | {Quarters(g => g.Heap)} |");
            sb.AppendLine($"| GC committed, MiB: mean of each quarter | {Quarters(g => g.Committed)} |");
            sb.AppendLine($"| allocation rate, gen2 collections during the run | {F((gc[^1].Allocated - gc[0].Allocated) / 1048576 / (gc[^1].At - gc[0].At).TotalSeconds)} MiB/s, {gc[^1].Gen2 - gc[0].Gen2} |");
        }

        sb.AppendLine($"| service exited | {(crashed ? $"YES ({service.ExitCode})" : "no")} |");
        Console.WriteLine(sb);
        WriteReadmeSection("Soak", sb.ToString());
        return crashed ? 1 : 0;
    }
}

using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using VisionFlow.Testing;
using static VisionFlow.Bench.Load.LoadTools;

namespace VisionFlow.Bench.Load;

/// <summary>
/// <c>load [seconds] [agents] [mcp-connections]</c>: the published binary as simulator (N agents at 10 Hz) and as the
/// service, then raw MCP ping connections to the simulator, REST load, WebSocket clients and telemetry polling at once,
/// with the service's RSS / CPU / fds sampled from /proc. Prints one table and writes it to bench/README.md.
/// </summary>
internal static class LoadHarness
{
    private const int RestWorkers = 4;
    private const int WsClients = 10;

    public static async Task<int> RunAsync(double seconds, int agents, int mcpConnections)
    {
        var duration = TimeSpan.FromSeconds(seconds);
        var loadStart = ProcSampler.LoadAverage();
        Console.WriteLine($"load: {seconds} s, {agents} simulated agents, {mcpConnections} MCP ping connections, binary {ChildProcess.Binary}");

        await using var simulator = await ChildProcess.StartSimulatorAsync(0, agents);
        Console.WriteLine($"simulator pid {simulator.Pid} on tcp://127.0.0.1:{simulator.Port}");
        await using var service = await ChildProcess.StartServiceAsync(simulator.Port, new Dictionary<string, string>
        {
            ["MCP_MAX_AGENTS"] = Math.Max(agents, 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        Console.WriteLine($"service pid {service.Pid} on http://127.0.0.1:{service.Port}");
        using var http = NewHttp(service.Port, RestWorkers + 4);

        // Warm-up: the service must see every simulated agent before the clock starts.
        var warm = Stopwatch.StartNew();
        var seen = -1;
        while (warm.Elapsed < TimeSpan.FromSeconds(90))
        {
            seen = (await ProbeAsync(http)).Agents;
            if (seen == agents)
            {
                break;
            }

            await Task.Delay(250);
        }

        var warmSeconds = warm.Elapsed.TotalSeconds;
        Console.WriteLine($"warm-up: agent_count {seen} after {F(warmSeconds)} s");

        // Baselines, each alone: raw newline echo, then MCP ping straight to the simulator.
        var slice = TimeSpan.FromSeconds(Math.Min(5, Math.Max(1, seconds / 6)));
        var echoRtts = new List<double>();
        await using (var echoServer = new EchoServer())
        {
            var echoClock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, mcpConnections).Select(_ => PingLoopAsync(echoServer.EndPoint.Port, echo: true, slice, 0, echoRtts, CancellationToken.None)));
            echoRtts.Add(echoClock.Elapsed.TotalSeconds); // last element carries the wall time; removed below
        }

        var echoWall = echoRtts[^1];
        echoRtts.RemoveAt(echoRtts.Count - 1);

        var aloneRtts = new List<double>();
        var aloneClock = Stopwatch.StartNew();
        var aloneErrors = (await Task.WhenAll(Enumerable.Range(0, mcpConnections).Select(_ => PingLoopAsync(simulator.Port, echo: false, slice, 0, aloneRtts, CancellationToken.None)))).Sum();
        var aloneWall = aloneClock.Elapsed.TotalSeconds;

        // The mixed load.
        using var stop = new CancellationTokenSource(duration);
        var sampler = new ProcSampler(service.Pid);
        var sampling = sampler.RunAsync(TimeSpan.FromSeconds(1), stop.Token);
        var mcpRtts = new List<double>();
        var clock = Stopwatch.StartNew();
        var mcp = Task.WhenAll(Enumerable.Range(0, mcpConnections).Select(_ => PingLoopAsync(simulator.Port, echo: false, duration, 0, mcpRtts, stop.Token)));
        var rest = Enumerable.Range(0, RestWorkers).Select(i => RestWorkerAsync(http, i, stop.Token)).ToArray();
        var ws = Enumerable.Range(0, WsClients).Select(_ => WsClientAsync(service.Port, stop.Token)).ToArray();
        var telemetry = TelemetryPollAsync(http, agents, stop.Token);
        var gcSamples = GcSampleAsync(http, stop.Token);
        var mcpErrors = (await mcp).Sum();
        var restResults = await Task.WhenAll(rest);
        var wsResults = await Task.WhenAll(ws);
        var (eventsPerSecond, agentSamples, agentMismatches, linesPerSecond, receivedPerSecond, refusedPerSecond) = await telemetry;
        await sampling;
        var gc = await gcSamples;
        var wall = clock.Elapsed.TotalSeconds;

        // Final counters.
        double reuse = double.NaN, total = double.NaN, ok = double.NaN, failed = double.NaN, creations = double.NaN;
        using (var net = await GetJsonAsync(http, "/api/health/network"))
        {
            if (net is not null)
            {
                var stats = net.RootElement.GetProperty("network_stats");
                total = stats.GetProperty("total_requests").GetDouble();
                ok = stats.GetProperty("successful_requests").GetDouble();
                failed = stats.GetProperty("failed_requests").GetDouble();
                if (net.RootElement.GetProperty("details").TryGetProperty("connection_pool", out var pool))
                {
                    reuse = pool.GetProperty("reuse_ratio") is { ValueKind: JsonValueKind.Number } ratio ? ratio.GetDouble() : double.NaN; // null before the first rent
                    creations = pool.GetProperty("creations").GetDouble();
                }
            }
        }

        var metrics = await http.GetStringAsync("/metrics");
        var httpRequests = Metric(metrics, "visionflow_http_request_duration_seconds_count");
        var finalProbe = await ProbeAsync(http);
        var loadEnd = ProcSampler.LoadAverage();
        var samples = sampler.Samples;
        var crashed = service.HasExited;

        var sb = new StringBuilder();
        sb.AppendLine($"Command: `./build.sh bench load {seconds} {agents}` (= `dotnet run -c Release --project bench/VisionFlow.Bench -- load {seconds} {agents}` with `VISIONFLOW_BINARY=artifacts/bin/visionflow`) — {Machine()}.");
        sb.AppendLine($"Load average at start `{loadStart}`, at end `{loadEnd}` (the simulator, the service and this harness share the same cores).");
        sb.AppendLine();
        sb.AppendLine($"Set-up: `visionflow simulate --agents {agents}` (10 Hz) and `visionflow --port 0 --physics-backend cpu` with `VISIONFLOW_RATE_LIMIT=0 MCP_MAX_AGENTS={agents}`; warm-up until `/api/bots/status` showed {agents} agents ({(seen == agents ? F(warmSeconds) + " s" : $"NOT reached in 90 s: {seen}")}). Baselines run alone for {F(slice.TotalSeconds)} s each with {mcpConnections} connections; then {F(wall)} s of everything at once: {mcpConnections} MCP ping connections, {RestWorkers} closed-loop REST workers, {WsClients} `/ws` clients, telemetry polling once a second.");
        sb.AppendLine();
        sb.AppendLine("| measure | value |");
        sb.AppendLine("|---|---|");
        sb.AppendLine($"| raw newline echo (baseline, alone): req/s, RTT p50 / p99 | {F(echoRtts.Count / echoWall, "F0")} req/s, {F(Percentile(echoRtts, 0.5) / 1000, "F3")} / {F(Percentile(echoRtts, 0.99) / 1000, "F3")} ms |");
        sb.AppendLine($"| MCP `ping` to the simulator (alone): req/s, RTT p50 / p99, errors | {F(aloneRtts.Count / aloneWall, "F0")} req/s, {F(Percentile(aloneRtts, 0.5) / 1000, "F3")} / {F(Percentile(aloneRtts, 0.99) / 1000, "F3")} ms, {aloneErrors} |");
        sb.AppendLine($"| MCP `ping` under the mixed load: req/s, RTT p50 / p99, errors | {F(mcpRtts.Count / wall, "F0")} req/s, {F(Percentile(mcpRtts, 0.5) / 1000, "F3")} / {F(Percentile(mcpRtts, 0.99) / 1000, "F3")} ms, {mcpErrors} |");
        foreach (var path in new[] { "/api/bots/agents", "/api/health/network" })
        {
            var lat = restResults.SelectMany(r => r.Latencies.TryGetValue(path, out var l) ? l : []).ToList();
            var bad = restResults.Sum(r => r.Failures.TryGetValue(path, out var f) ? f : 0);
            var bytes = restResults.Sum(r => r.Bytes.TryGetValue(path, out var b) ? b : 0);
            sb.AppendLine($"| GET `{path}`: req/s, p50 / p99, non-2xx or failed, mean body | {F(lat.Count / wall, "F0")} req/s, {F(Percentile(lat, 0.5), "F2")} / {F(Percentile(lat, 0.99), "F2")} ms, {bad}, {F(lat.Count == 0 ? 0 : bytes / (double)lat.Count / 1024, "F1")} KiB |");
        }

        var frames = wsResults.Sum(r => r.Frames);
        var wsBytes = wsResults.Sum(r => r.Bytes);
        sb.AppendLine($"| `/ws` ({WsClients} clients): frames/s, bytes/s (all clients), clients failed | {F(frames / wall, "F0")} frames/s, {F(wsBytes / wall / 1024 / 1024, "F2")} MiB/s, {wsResults.Count(r => r.Failed)} |");
        sb.AppendLine($"| telemetry events accepted/s (`visionflow_telemetry_events_accepted_total`), lines accepted/s (`telemetry_lines_accepted`), lines received/s (`visionflow_telemetry_lines_total`), refused/s | {F(eventsPerSecond, "F0")} / {F(linesPerSecond, "F0")} / {F(receivedPerSecond, "F0")} / {F(refusedPerSecond, "F0")} (simulator nominal: {agents} agents × 10 Hz = {agents * 10} /s) |");
        sb.AppendLine($"| `/api/bots/status` agent_count = simulator's {agents} | {agentSamples - agentMismatches} of {agentSamples} samples; final {finalProbe.Agents}, level `{finalProbe.Level}` |");
        sb.AppendLine($"| MCP pipeline requests (`network_stats`): total / ok / failed; pool reuse ratio, creations | {total} / {ok} / {failed}; {F(reuse, "F4")}, {creations} |");
        sb.AppendLine($"| HTTP requests served (`/metrics` `visionflow_http_request_duration_seconds_count`) | {httpRequests} |");
        if (samples.Count > 0)
        {
            var half = samples.Count / 2;
            double MeanRss(IEnumerable<ProcSample> s) => s.Average(x => x.RssKb) / 1024.0;
            sb.AppendLine($"| service RSS MiB: first / min / max / last; mean of first half → second half | {F(samples[0].RssKb / 1024.0)} / {F(samples.Min(s => s.RssKb) / 1024.0)} / {F(samples.Max(s => s.RssKb) / 1024.0)} / {F(samples[^1].RssKb / 1024.0)}; {F(MeanRss(samples.Take(Math.Max(1, half))))} → {F(MeanRss(samples.Skip(half)))} |");
            sb.AppendLine($"| service CPU % (of one core): mean / max | {F(samples.Average(s => s.CpuPercent))} / {F(samples.Max(s => s.CpuPercent))} |");
            sb.AppendLine($"| service open fds: first / max / last | {samples[0].Fds} / {samples.Max(s => s.Fds)} / {samples[^1].Fds} |");
        }

        if (gc.Count > 1)
        {
            var half = gc.Count / 2;
            static double Mib(double bytes) => bytes / 1024 / 1024;
            string Trend(Func<GcSample, double> f) =>
                $"{F(Mib(f(gc[0])))} / {F(Mib(gc.Max(f)))} / {F(Mib(f(gc[^1])))}; {F(Mib(gc.Take(half).Average(f)))} → {F(Mib(gc.Skip(half).Average(f)))}";
            var gcSeconds = (gc[^1].At - gc[0].At).TotalSeconds;
            sb.AppendLine($"| managed heap after GC, MiB (`dotnet_gc_heap_size_bytes`, every 5 s): first / max / last; mean of first half → second half | {Trend(g => g.Heap)} |");
            sb.AppendLine($"| of which large object heap, MiB (`dotnet_gc_loh_size_bytes`) | {Trend(g => g.Loh)} |");
            sb.AppendLine($"| GC committed, MiB (`dotnet_gc_committed_bytes`) | {Trend(g => g.Committed)} |");
            sb.AppendLine($"| allocation rate (`dotnet_gc_allocated_bytes_total`), gen2 collections during the run | {F(Mib(gc[^1].Allocated - gc[0].Allocated) / gcSeconds)} MiB/s, {gc[^1].Gen2 - gc[0].Gen2} |");
        }

        sb.AppendLine($"| service exited during the run | {(crashed ? $"YES (code {service.ExitCode})" : "no")} |");
        var table = sb.ToString();
        Console.WriteLine();
        Console.WriteLine(table);
        if (crashed)
        {
            Console.WriteLine("service output tail:\n" + service.Tail);
        }

        WriteReadmeSection("Load harness", table);
        return crashed ? 1 : 0;
    }

    private sealed record RestResult(Dictionary<string, List<double>> Latencies, Dictionary<string, long> Failures, Dictionary<string, long> Bytes);

    private static async Task<RestResult> RestWorkerAsync(HttpClient http, int worker, CancellationToken ct)
    {
        string[] paths = ["/api/bots/agents", "/api/health/network"];
        var result = new RestResult(paths.ToDictionary(p => p, _ => new List<double>()), paths.ToDictionary(p => p, _ => 0L), paths.ToDictionary(p => p, _ => 0L));
        var i = worker;
        while (!ct.IsCancellationRequested)
        {
            var path = paths[i++ % paths.Length];
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await http.GetAsync(path, ct);
                var body = await response.Content.ReadAsByteArrayAsync(ct);
                result.Latencies[path].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                result.Bytes[path] += body.Length;
                if (!response.IsSuccessStatusCode)
                {
                    result.Failures[path]++;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                result.Failures[path]++;
            }
        }

        return result;
    }

    public static async Task<(long Frames, long Bytes, bool Failed)> WsClientAsync(int port, CancellationToken ct)
    {
        long frames = 0, bytes = 0;
        using var ws = new ClientWebSocket();
        try
        {
            await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), ct);
            var buffer = new byte[256 * 1024];
            while (!ct.IsCancellationRequested)
            {
                var r = await ws.ReceiveAsync(buffer, ct);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return (frames, bytes, true);
                }

                bytes += r.Count;
                if (r.EndOfMessage)
                {
                    frames++;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is WebSocketException or IOException)
        {
            return (frames, bytes, true);
        }

        return (frames, bytes, false);
    }

    private static async Task<(double EventsPerSecond, int Samples, int Mismatches, double LinesPerSecond, double ReceivedPerSecond, double RefusedPerSecond)> TelemetryPollAsync(HttpClient http, int agents, CancellationToken ct)
    {
        double firstEvents = double.NaN, lastEvents = double.NaN, firstLines = double.NaN, lastLines = double.NaN;
        double firstReceived = 0, lastReceived = 0, firstRefused = 0, lastRefused = 0;
        TimeSpan firstAt = default, lastAt = default;
        var samples = 0;
        var mismatches = 0;
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var metrics = await http.GetStringAsync("/metrics", ct);
                using var status = await GetJsonAsync(http, "/api/bots/status", ct);
                var at = clock.Elapsed;
                var events = Metric(metrics, "visionflow_telemetry_events_accepted_total");
                var received = Metric(metrics, "visionflow_telemetry_lines_total");
                var refused = Metric(metrics, "visionflow_telemetry_events_refused_total");
                var lines = status?.RootElement.GetProperty("telemetry_lines_accepted").GetDouble() ?? double.NaN;
                var count = status?.RootElement.GetProperty("agent_count").GetInt32() ?? -1;
                samples++;
                if (count != agents)
                {
                    mismatches++;
                }

                if (double.IsNaN(firstEvents))
                {
                    (firstEvents, firstLines, firstAt, firstReceived, firstRefused) = (events, lines, at, received, refused);
                }

                (lastEvents, lastLines, lastAt, lastReceived, lastRefused) = (events, lines, at, received, refused);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (HttpRequestException)
        {
        }

        var span = (lastAt - firstAt).TotalSeconds;
        return span <= 0
            ? (double.NaN, samples, mismatches, double.NaN, double.NaN, double.NaN)
            : ((lastEvents - firstEvents) / span, samples, mismatches, (lastLines - firstLines) / span, (lastReceived - firstReceived) / span, (lastRefused - firstRefused) / span);
    }
}

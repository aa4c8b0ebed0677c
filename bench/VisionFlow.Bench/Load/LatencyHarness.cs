using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using VisionFlow.Protocol.Contracts.Plain;
using VisionFlow.Protocol.Engine;
using static VisionFlow.Bench.Load.LoadTools;

namespace VisionFlow.Bench.Load;

/// <summary>
/// <c>latency [agents,…] [samples] [api-samples] [baseline-binary] [baseline-samples]</c>: event → <c>/ws</c> latency on
/// one clock. The published binary as simulator (N agents pushing telemetry at 10 Hz, plain dialect) and as the service; this process
/// holds a <c>/ws</c> viewer (<see cref="StreamWatcher"/>) and its own JSON-RPC connection to the simulator, subscribed to
/// <c>agent.spawned</c> only. Each sample sends <c>agent.spawn</c> straight to the simulator and times three moments:
/// the request (t0), the <c>agent.spawned</c> push arriving here (t1: the moment the peer pushes the event, which the
/// simulator does on its next 10 Hz frame) and the first frame on <c>/ws</c> with the new agent id (t2). The
/// acceptance figure is t2 − t1; t1 − t0 is the peer's own frame wait. Then the same through our REST API
/// (<c>POST /api/bots/agents</c>). With a baseline binary every agent count runs against both, in the same invocation.
/// </summary>
internal static class LatencyHarness
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(3);

    private sealed record Run(
        string Label, int Agents, List<double> EventToWs, List<double> SpawnToWs, List<double> PeerWait, int Misses,
        List<double> ApiToWs, List<double> ApiResponse, int ApiMisses,
        double StepP50, double StepP99, double FramesPerSecond, double ServiceCpu, double SimulatorCpu, string LoadStart, string LoadEnd);

    public static async Task<int> RunAsync(int[] agentCounts, int samples, int apiSamples, string? baseline, int baselineSamples)
    {
        var runs = new List<Run>();
        foreach (var agents in agentCounts)
        {
            runs.Add(await RunOnceAsync("after", ChildProcess.Binary, agents, samples, apiSamples));
            if (baseline is not null)
            {
                runs.Add(await RunOnceAsync("before", baseline, agents, baselineSamples, apiSamples));
            }
        }

        var sb = new StringBuilder();
        var counts = string.Join(',', agentCounts);
        sb.AppendLine($"Command: `./build.sh bench latency {counts} {samples} {apiSamples}{(baseline is null ? "" : $" BASELINE_BINARY {baselineSamples}")}` — {Machine()}.");
        sb.AppendLine($"Set-up per row: `visionflow simulate --agents N` (10 Hz) and `visionflow --port 0 --physics-backend cpu` (`MCP_MAX_AGENTS=N+100`), warmed up until `/api/bots/status` shows N agents; one `/ws` viewer and one JSON-RPC connection subscribed to `agent.spawned` in the harness. Per sample: a random 100-200 ms pause, `agent.spawn` to the simulator (t0), its `agent.spawned` push seen here (t1), the first `/ws` frame carrying the new agent id (t2; since round 5 a new node comes in a delta frame after a `topology` notice that lists what went), then `agent.terminate` and a wait until `/ws` shows it gone (the service may reuse a removed agent's id); a sample not seen within 3 s is counted apart and followed by a 3 s pause. \"API\": `POST /api/bots/agents` as t0, its answer (API response) and the new id on `/ws`, then `DELETE` and the same wait. Times in ms, p50 / p99 / max. Physics step: `/metrics` `visionflow_physics_step_p50/p99_seconds` at the end of the run, warm-up chunks included (each spawn restarts the warm-up); physics publishes a new topology as it takes it, or as a running step ends, so one step is the floor of t2 − t1.");
        sb.AppendLine();
        sb.AppendLine("| binary | agents | event → /ws (t2 − t1), n | spawn request → /ws (t2 − t0) | peer's frame wait (t1 − t0) | API spawn → /ws, n | API response | physics step p50 / p99 | /ws frames/s | CPU % of a core: service / simulator | load average start → end |");
        sb.AppendLine("|---|---:|---|---|---|---|---|---|---:|---|---|");
        foreach (var r in runs)
        {
            sb.AppendLine($"| {r.Label} | {r.Agents:N0} | **{Ms(r.EventToWs)}**, {r.EventToWs.Count}{Missed(r.Misses)} | {Ms(r.SpawnToWs)} | {Ms(r.PeerWait)} | {Ms(r.ApiToWs)}, {r.ApiToWs.Count}{Missed(r.ApiMisses)} | {Ms(r.ApiResponse)} | {F(r.StepP50 / 1000, "F2")} / {F(r.StepP99 / 1000, "F2")} ms | {F(r.FramesPerSecond, "F0")} | {F(r.ServiceCpu, "F0")} / {F(r.SimulatorCpu, "F0")} | `{r.LoadStart}` → `{r.LoadEnd}` |");
        }

        var table = sb.ToString();
        Console.WriteLine();
        Console.WriteLine(table);
        WriteReadmeSection("Event → /ws latency (bench latency)", table);
        return runs.All(r => r.Misses == 0 && r.ApiMisses == 0) ? 0 : 1;
    }

    private static string Ms(List<double> values) =>
        values.Count == 0 ? "—" : $"{F(Percentile(values, 0.5))} / {F(Percentile(values, 0.99))} / {F(values.Max())}";

    private static string Missed(int misses) => misses == 0 ? "" : $" (**{misses} not seen within {Wait.TotalSeconds:0} s**)";

    private static async Task<Run> RunOnceAsync(string label, string binary, int agents, int samples, int apiSamples)
    {
        var loadStart = ProcSampler.LoadAverage();
        Console.WriteLine($"latency [{label}]: {agents} agents, {samples} + {apiSamples} samples, binary {binary}");
        await using var simulator = await ChildProcess.StartSimulatorAsync(0, agents, binary);
        await using var service = await ChildProcess.StartServiceAsync(simulator.Port, new Dictionary<string, string>
        {
            ["MCP_MAX_AGENTS"] = (agents + 100).ToString(CultureInfo.InvariantCulture),
        }, binary);
        using var http = NewHttp(service.Port, 4);
        var warm = await WaitForAgentsAsync(http, service, agents);

        Console.WriteLine($"  warm-up {F(warm.TotalSeconds)} s");
        await using var peer = await PeerEvents.ConnectAsync(simulator.Port);
        await using var watcher = await StreamWatcher.ConnectAsync(service.Port, TimeSpan.FromSeconds(30));
        var framesAtStart = watcher.Frames;
        var (serviceTicks, simulatorTicks) = (ProcSampler.CpuTicks(service.Pid), ProcSampler.CpuTicks(simulator.Pid));
        var clock = Stopwatch.StartNew();
        var random = new Random(1);

        List<double> eventToWs = [], spawnToWs = [], peerWait = [];
        var misses = 0;
        for (var i = 0; i < samples; i++)
        {
            await Task.Delay(100 + random.Next(100));
            var seen = watcher.ArmNewAgent();
            var t0 = Stopwatch.GetTimestamp();
            var spawned = await peer.Client.SpawnAgentAsync(new AgentSpawnParams { Type = "coder" });
            var (t1, t2) = await BothAsync(peer.WhenPushed(spawned.AgentId), seen);
            if (t1 is null || t2 is null)
            {
                misses++;
                var probe = await ProbeAsync(http);
                Console.WriteLine($"  sample {i}: push {(t1 is null ? "missing" : "seen")}, /ws {(t2 is null ? "missing" : "seen")}; agent_count {probe.Agents}, /ws shows {watcher.Agents} agents");
                await Task.Delay(Wait); // a late arrival must not count for the next sample
            }
            else
            {
                eventToWs.Add(Stopwatch.GetElapsedTime(t1.Value, t2.Value).TotalMilliseconds);
                spawnToWs.Add(Stopwatch.GetElapsedTime(t0, t2.Value).TotalMilliseconds);
                peerWait.Add(Stopwatch.GetElapsedTime(t0, t1.Value).TotalMilliseconds);
            }

            await peer.Client.TerminateAgentAsync(new AgentIdParams { AgentId = spawned.AgentId });
            await GoneAsync(watcher, agents);
            if ((i + 1) % 100 == 0)
            {
                Console.WriteLine($"  {i + 1} samples, event → /ws p50 {F(Percentile(eventToWs, 0.5))} ms, load {ProcSampler.LoadAverage()}");
            }
        }

        List<double> apiToWs = [], apiResponse = [];
        var apiMisses = 0;
        for (var i = 0; i < apiSamples; i++)
        {
            await Task.Delay(100 + random.Next(100));
            var seen = watcher.ArmNewAgent();
            var t0 = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync("/api/bots/agents", new StringContent("{\"type\":\"coder\"}", Encoding.UTF8, "application/json"));
            var answered = Stopwatch.GetTimestamp();
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"POST /api/bots/agents answered {(int)response.StatusCode}: {body}");
            }

            using var answer = JsonDocument.Parse(body);
            var id = answer.RootElement.GetProperty("id").GetString()!;
            var (t1, t2) = await BothAsync(peer.WhenPushed(id), seen);
            apiResponse.Add(Stopwatch.GetElapsedTime(t0, answered).TotalMilliseconds);
            if (t1 is null || t2 is null)
            {
                apiMisses++;
                var probe = await ProbeAsync(http);
                Console.WriteLine($"  API sample {i}: push {(t1 is null ? "missing" : "seen")}, /ws {(t2 is null ? "missing" : "seen")}; agent_count {probe.Agents}, /ws shows {watcher.Agents} agents");
                await Task.Delay(Wait);
            }
            else
            {
                apiToWs.Add(Stopwatch.GetElapsedTime(t0, t2.Value).TotalMilliseconds);
            }

            using var deleted = await http.DeleteAsync($"/api/bots/agents/{Uri.EscapeDataString(id)}");
            await GoneAsync(watcher, agents);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var framesPerSecond = (watcher.Frames - framesAtStart) / seconds;
        // USER_HZ is 100: ticks / 100 / seconds × 100 %.
        var serviceCpu = (ProcSampler.CpuTicks(service.Pid) - serviceTicks) / seconds;
        var simulatorCpu = (ProcSampler.CpuTicks(simulator.Pid) - simulatorTicks) / seconds;
        var metrics = await http.GetStringAsync("/metrics");
        if (service.HasExited)
        {
            throw new InvalidOperationException($"the service exited during the run:\n{service.Tail}");
        }

        var run = new Run(label, agents, eventToWs, spawnToWs, peerWait, misses, apiToWs, apiResponse, apiMisses,
            StepMicroseconds(metrics, "p50"), StepMicroseconds(metrics, "p99"),
            framesPerSecond, serviceCpu, simulatorCpu, loadStart, ProcSampler.LoadAverage());
        Console.WriteLine($"  [{label}] {agents} agents: event → /ws {Ms(eventToWs)} ms; spawn → /ws {Ms(spawnToWs)}; API → /ws {Ms(apiToWs)}; step p50 {F(run.StepP50 / 1000, "F2")} ms");
        return run;
    }

    /// <summary>
    /// Waits (up to <see cref="Wait"/>) until <c>/ws</c> shows the agent gone. The service may give the next agent the id
    /// a removed one had; were the removal and the next spawn shown in the same complete frame, the id set would not change.
    /// </summary>
    private static async Task GoneAsync(StreamWatcher watcher, int agents)
    {
        var deadline = Stopwatch.StartNew();
        while (watcher.Agents > agents && deadline.Elapsed < Wait)
        {
            await Task.Delay(5);
        }
    }

    /// <summary>Both timestamps, each null when it did not come within <see cref="Wait"/>.</summary>
    private static async Task<(long? Pushed, long? Seen)> BothAsync(Task<long> pushed, Task<long> seen)
    {
        await Task.WhenAny(Task.WhenAll(pushed, seen), Task.Delay(Wait));
        return (pushed.IsCompletedSuccessfully ? pushed.Result : null, seen.IsCompletedSuccessfully ? seen.Result : null);
    }

    /// <summary>The harness's own JSON-RPC connection to the simulator, subscribed to <c>agent.spawned</c> pushes only.</summary>
    private sealed class PeerEvents : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _pushed = new(StringComparer.Ordinal);
        private JsonRpcConnection _connection = null!;

        public PlainDialectClient Client { get; private set; } = null!;

        public static async Task<PeerEvents> ConnectAsync(int port)
        {
            var peer = new PeerEvents();
            peer._connection = await JsonRpcConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), new JsonRpcConnectionOptions
            {
                OnPush = peer.OnPush,
                Name = "latency-harness",
            });
            peer.Client = new PlainDialectClient(peer._connection);
            await peer.Client.SubscribeTelemetryAsync(new TelemetrySubscribeParams { Events = ["agent.spawned"] });
            return peer;
        }

        /// <summary>The timestamp at which the <c>agent.spawned</c> push for <paramref name="agentId"/> arrived.</summary>
        public Task<long> WhenPushed(string agentId) => Slot(agentId).Task;

        private TaskCompletionSource<long> Slot(string agentId) =>
            _pushed.GetOrAdd(agentId, static _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

        private void OnPush(ReadOnlySequence<byte> line)
        {
            var now = Stopwatch.GetTimestamp();
            using var doc = JsonDocument.Parse(line.ToArray());
            if (doc.RootElement.TryGetProperty("type", out var type) && type.ValueEquals("agent.spawned")
                && doc.RootElement.GetProperty("data").GetProperty("agent_id").GetString() is { } id)
            {
                Slot(id).TrySetResult(now);
            }
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }
}

using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using VisionFlow.Protocol.Contracts.Plain;
using VisionFlow.Protocol.Engine;
using static VisionFlow.Bench.Load.LoadTools;

namespace VisionFlow.Bench.Load;

/// <summary>
/// <c>attributes [agents,…] [samples] [window-seconds] [baseline-binary]</c>: an agent's status change → a <c>/ws</c>
/// viewer, on one clock, and what the <c>agents</c> messages cost on the wire per attribute change. The published binary
/// as simulator (N agents at 10 Hz, plain dialect) and as the service; this process holds a <c>/ws</c> viewer
/// (<see cref="AgentsWatcher"/>) and its own JSON-RPC connection to the simulator, subscribed to <c>agent.status</c>.
/// First a window of the simulator's own churn (agents turning idle and active, gauges moving) with nothing else going
/// on: <c>agents</c> bytes per second, per changed agent and per changed field, against the full list a polling viewer
/// fetched every 2 s. Then per sample: a random 100-200 ms pause, <c>task.assign</c> to an agent the viewer shows idle or
/// active (t0), the simulator's first <c>agent.status</c> push showing it busy seen here (t1: its next 10 Hz frame), the
/// first <c>agents</c> message showing it busy on <c>/ws</c> (t2); then <c>task.cancel</c>. The acceptance figure is
/// t2 − t1. With a baseline binary every agent count runs against it too, in the same invocation.
/// </summary>
internal static class AttributesHarness
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(3);
    private static readonly HashSet<string> NotBusy = new(StringComparer.Ordinal) { "idle", "active" };

    /// <summary>How often the viewer polled the agent list before <c>/ws</c> carried agents (viewer feed.js, issue 23).</summary>
    private const double PollSeconds = 2;

    private sealed record Run(
        string Label, int Agents, List<double> EventToWs, List<double> AssignToWs, List<double> PeerWait, int Misses,
        List<double> CarrierBytes, List<double> CarrierAgents, AgentsWatcher.Counts Window, double WindowSeconds,
        long ListBytes, double ServiceCpu, string SamplesCpu, string LoadStart, string LoadEnd);

    public static async Task<int> RunAsync(int[] agentCounts, int samples, double windowSeconds, string? baseline)
    {
        var runs = new List<Run>();
        foreach (var agents in agentCounts)
        {
            runs.Add(await RunOnceAsync("this build", ChildProcess.Binary, agents, samples, windowSeconds));
            if (baseline is not null)
            {
                runs.Add(await RunOnceAsync("baseline", baseline, agents, samples, windowSeconds));
            }
        }

        var sb = new StringBuilder();
        var counts = string.Join(',', agentCounts);
        sb.AppendLine(CultureInfo.InvariantCulture, $"Command: `./build.sh bench attributes {counts} {samples} {F(windowSeconds, "F0")}{(baseline is null ? "" : " BASELINE_BINARY")}` — {Machine()}.");
        sb.AppendLine("Set-up per row: `visionflow simulate --agents N` (10 Hz) and `visionflow --port 0 --physics-backend cpu` (`MCP_MAX_AGENTS=N+100`), warmed up until `/api/bots/status` shows N agents; one `/ws` viewer reading the `agents` messages and one JSON-RPC connection to the simulator subscribed to `agent.status`, both in the harness (one `Stopwatch` clock). Latency, per sample: a random 100-200 ms pause, `task.assign` to an agent the viewer shows idle or active (t0), the simulator's first `agent.status` push showing it busy (t1, its next 10 Hz frame), the first `agents` message on `/ws` showing it busy (t2), then `task.cancel`; a sample not seen within 3 s is counted apart. Times in ms, p50 / p99 / max. The message that carried it: bytes on the wire and agents in its `changed` array (p50 / max). Bytes: a window of the simulator's own churn before the samples (agents turning idle and active every 1-5 s, gauges moving every frame), `agents` messages only, payload plus frame header; \"field\" = a changed field other than `id` and `last_seen`; \"poll\" = `GET /api/bots/agents` once, the list the viewer fetched every 2 s before `/ws` carried agents.");
        sb.AppendLine();
        sb.AppendLine("| binary | agents | status change → /ws (t2 − t1), n | assign → /ws (t2 − t0) | peer's frame wait (t1 − t0) | carrying message: bytes, agents (p50 / max) | window: messages/s, KB/s | changed agents/s, fields/s (of them status) | bytes per changed agent / per field | full list: on connect, poll (KB/s at 2 s) | CPU % of a core: service in the window; service / simulator / this harness during the samples | load average start → end |");
        sb.AppendLine("|---|---:|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in runs)
        {
            var w = r.Window;
            var s = r.WindowSeconds;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Label} | {r.Agents:N0} | **{Ms(r.EventToWs)}**, {r.EventToWs.Count}{Missed(r.Misses)} | {Ms(r.AssignToWs)} | {Ms(r.PeerWait)} " +
                $"| {F(Percentile(r.CarrierBytes, 0.5), "N0")} / {F(r.CarrierBytes.DefaultIfEmpty().Max(), "N0")} B, {F(Percentile(r.CarrierAgents, 0.5), "N0")} / {F(r.CarrierAgents.DefaultIfEmpty().Max(), "N0")} " +
                $"| {F(w.AgentsMessages / s)}, {F(w.AgentsBytes / s / 1000)} " +
                $"| {F(w.ChangedAgents / s, "N0")}, {F(w.ChangedFields / s, "N0")} ({F(w.StatusChanges / s, "N0")}) " +
                $"| {F(Per(w.AgentsBytes, w.ChangedAgents))} / {F(Per(w.AgentsBytes, w.ChangedFields))} " +
                $"| {F(w.FullBytes / 1000.0, "N0")} KB, {F(r.ListBytes / 1000.0, "N0")} KB ({F(r.ListBytes / PollSeconds / 1000, "N0")} KB/s) " +
                $"| {F(r.ServiceCpu, "F0")}; {r.SamplesCpu} | `{r.LoadStart}` → `{r.LoadEnd}` |");
        }

        var table = sb.ToString();
        Console.WriteLine();
        Console.WriteLine(table);
        WriteReadmeSection("Attribute change → /ws latency and bytes (bench attributes)", table);
        return runs.All(r => r.Misses == 0) ? 0 : 1;
    }

    private static double Per(long bytes, long count) => count == 0 ? double.NaN : (double)bytes / count;

    private static string Ms(List<double> values) =>
        values.Count == 0 ? "—" : $"{F(Percentile(values, 0.5))} / {F(Percentile(values, 0.99))} / {F(values.Max())}";

    private static string Missed(int misses) => misses == 0 ? "" : $" (**{misses} not seen within {Wait.TotalSeconds:0} s**)";

    private static async Task<Run> RunOnceAsync(string label, string binary, int agents, int samples, double windowSeconds)
    {
        var loadStart = ProcSampler.LoadAverage();
        Console.WriteLine($"attributes [{label}]: {agents} agents, {samples} samples, binary {binary}");
        await using var simulator = await ChildProcess.StartSimulatorAsync(0, agents, binary);
        await using var service = await ChildProcess.StartServiceAsync(simulator.Port, new Dictionary<string, string>
        {
            ["MCP_MAX_AGENTS"] = (agents + 100).ToString(CultureInfo.InvariantCulture),
        }, binary);
        using var http = NewHttp(service.Port, 2);
        var warm = await WaitForAgentsAsync(http, service, agents);

        Console.WriteLine($"  warm-up {F(warm.TotalSeconds)} s");
        long listBytes;
        using (var list = await http.GetAsync("/api/bots/agents"))
        {
            listBytes = (await list.Content.ReadAsByteArrayAsync()).Length;
        }

        await using var watcher = await AgentsWatcher.ConnectAsync(service.Port, TimeSpan.FromSeconds(60));
        await using var peer = await StatusPushes.ConnectAsync(simulator.Port);

        // The churn window: nothing but the simulator's own changes.
        var before = watcher.Totals;
        var serviceTicks = ProcSampler.CpuTicks(service.Pid);
        var window = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(windowSeconds));
        var seconds = window.Elapsed.TotalSeconds;
        var counts = watcher.Totals - before;
        var serviceCpu = (ProcSampler.CpuTicks(service.Pid) - serviceTicks) / seconds; // USER_HZ 100: ticks / s = % of a core
        Console.WriteLine($"  window {F(seconds)} s: {counts.AgentsMessages} agents messages, {counts.AgentsBytes:N0} B, {counts.ChangedAgents:N0} changed agents, {counts.ChangedFields:N0} fields ({counts.StatusChanges:N0} status)");

        var random = new Random(1);
        var samplesClock = Stopwatch.StartNew();
        var (serviceAt, simulatorAt, harnessAt) = (ProcSampler.CpuTicks(service.Pid), ProcSampler.CpuTicks(simulator.Pid), ProcSampler.CpuTicks(Environment.ProcessId));
        List<double> eventToWs = [], assignToWs = [], peerWait = [], carrierBytes = [], carrierAgents = [];
        var misses = 0;
        for (var i = 0; i < samples; i++)
        {
            await Task.Delay(100 + random.Next(100));
            if (watcher.AgentsWithStatus(NotBusy, 1, random) is not [var id])
            {
                throw new InvalidOperationException("the viewer shows no idle or active agent");
            }

            var seen = watcher.Arm(id, "busy");
            var pushed = peer.Arm(id);
            var t0 = Stopwatch.GetTimestamp();
            var task = await peer.Client.AssignTaskAsync(new TaskAssignParams { AgentId = id, Task = "latency sample" });
            await Task.WhenAny(Task.WhenAll(pushed, seen), Task.Delay(Wait));
            if (!pushed.IsCompletedSuccessfully || !seen.IsCompletedSuccessfully)
            {
                misses++;
                Console.WriteLine($"  sample {i} ({id}): push {(pushed.IsCompletedSuccessfully ? "seen" : "missing")}, /ws {(seen.IsCompletedSuccessfully ? "seen" : "missing")}; the viewer shows {watcher.StatusOf(id) ?? "nothing"}");
            }
            else
            {
                var (t1, t2) = (pushed.Result, seen.Result);
                eventToWs.Add(Stopwatch.GetElapsedTime(t1, t2.At).TotalMilliseconds);
                assignToWs.Add(Stopwatch.GetElapsedTime(t0, t2.At).TotalMilliseconds);
                peerWait.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                carrierBytes.Add(t2.MessageBytes);
                carrierAgents.Add(t2.MessageAgents);
            }

            await peer.Client.CancelTaskAsync(new TaskIdParams { TaskId = task.TaskId });
            if ((i + 1) % 100 == 0)
            {
                Console.WriteLine($"  {i + 1} samples, status → /ws p50 {F(Percentile(eventToWs, 0.5))} ms, load {ProcSampler.LoadAverage()}");
            }
        }

        if (service.HasExited)
        {
            throw new InvalidOperationException($"the service exited during the run:\n{service.Tail}");
        }

        // USER_HZ 100: ticks per second = % of a core. The harness's own share says how much of the 2 cores it took.
        var span = samplesClock.Elapsed.TotalSeconds;
        var samplesCpu = $"{F((ProcSampler.CpuTicks(service.Pid) - serviceAt) / span, "F0")} / {F((ProcSampler.CpuTicks(simulator.Pid) - simulatorAt) / span, "F0")} / {F((ProcSampler.CpuTicks(Environment.ProcessId) - harnessAt) / span, "F0")}";
        var run = new Run(label, agents, eventToWs, assignToWs, peerWait, misses, carrierBytes, carrierAgents, counts, seconds,
            listBytes, serviceCpu, samplesCpu, loadStart, ProcSampler.LoadAverage());
        Console.WriteLine($"  [{label}] {agents} agents: status → /ws {Ms(eventToWs)} ms; assign → /ws {Ms(assignToWs)}");
        return run;
    }

    /// <summary>
    /// The harness's own JSON-RPC connection to the simulator, subscribed to <c>agent.status</c> (every agent, every
    /// frame): tells when a push first shows the armed agent busy. Only the armed agent's lines are looked at, as bytes.
    /// </summary>
    private sealed class StatusPushes : IAsyncDisposable
    {
        private static readonly byte[] Busy = "\"status\":\"busy\""u8.ToArray();
        private JsonRpcConnection _connection = null!;
        private Armed? _armed;

        public PlainDialectClient Client { get; private set; } = null!;

        public static async Task<StatusPushes> ConnectAsync(int port)
        {
            var peer = new StatusPushes();
            peer._connection = await JsonRpcConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), new JsonRpcConnectionOptions
            {
                OnPush = peer.OnPush,
                Name = "attributes-harness",
            });
            peer.Client = new PlainDialectClient(peer._connection);
            await peer.Client.SubscribeTelemetryAsync(new TelemetrySubscribeParams { Events = ["agent.status"] });
            return peer;
        }

        /// <summary>Completes with the timestamp of the first push after this call that shows <paramref name="agentId"/> busy.</summary>
        public Task<long> Arm(string agentId)
        {
            var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _armed, new Armed(Encoding.UTF8.GetBytes($"\"agent_id\":\"{agentId}\""), done));
            return done.Task;
        }

        private void OnPush(ReadOnlySequence<byte> pushed)
        {
            var now = Stopwatch.GetTimestamp();
            var line = pushed.IsSingleSegment ? pushed.FirstSpan : pushed.ToArray(); // a line across two reads: rare, and not on the clock
            if (Volatile.Read(ref _armed) is not { } armed || line.IndexOf(armed.Key) < 0 || line.IndexOf(Busy) < 0)
            {
                return;
            }

            armed.Done.TrySetResult(now);
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();

        private sealed record Armed(byte[] Key, TaskCompletionSource<long> Done);
    }
}

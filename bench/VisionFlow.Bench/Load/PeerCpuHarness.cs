using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using VisionFlow.Testing.Interop;
using static VisionFlow.Bench.Load.LoadTools;

namespace VisionFlow.Bench.Load;

/// <summary>
/// <c>peer-cpu [seconds] [rounds]</c>: what watching 10 idle agents costs the real npm claude-flow (no telemetry push, so
/// we poll <c>agent_list</c>), before and after adaptive polling, in the same run. One socat bridge
/// (<c>tests/interop/mcp-servers.sh start-claude-flow</c>; every TCP connection forks a claude-flow process), then per
/// round and setting a fresh service with a <c>/ws</c> viewer, a swarm and 10 agents made through our REST API, a settle
/// period, and a window in which the CPU time of the bridge's whole session (from /proc) and of our process is read.
/// "Before" is a fixed 10 Hz poll (<c>VISIONFLOW_POLL_MAX_INTERVAL=100</c>); "after" the defaults (100 ms → 1 s).
/// </summary>
internal static class PeerCpuHarness
{
    private const int Agents = 10;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);

    private sealed record Phase(string Label, double Seconds, double PeerCpuSeconds, double OurCpuSeconds, double Requests, int PeerProcesses, string Load);

    public static async Task<int> RunAsync(double seconds, int rounds)
    {
        Console.WriteLine($"peer-cpu: {seconds} s windows, {rounds} rounds, binary {ChildProcess.Binary}");
        var phases = new List<Phase>();
        for (var round = 0; round < rounds; round++)
        {
            // Before, after, after, before, …: a drift over the run (the machine's load) weighs on both alike.
            var order = round % 2 == 0 ? new[] { true, false } : [false, true];
            foreach (var before in order)
            {
                phases.Add(before
                    ? await MeasureAsync("before: fixed 10 Hz poll (`VISIONFLOW_POLL_MAX_INTERVAL=100`)", new() { ["VISIONFLOW_POLL_MAX_INTERVAL"] = "100" }, seconds)
                    : await MeasureAsync("after: adaptive poll (defaults 100 ms → 1000 ms)", [], seconds));
            }
        }

        var sb = new StringBuilder();
        sb.AppendLine($"Command: `./build.sh bench peer-cpu {seconds} {rounds}` — {Machine()}. claude-flow from `./build.sh setup` (`tests/interop/mcp-servers.sh`), behind socat; every connection forks a claude-flow process, so the peer's figure is the CPU time (utime + stime) in the window of every process in the bridge's session that is alive at its end (a process of an earlier row exiting in the window is left out).");
        sb.AppendLine($"Per row: a fresh bridge (claude-flow starts from empty state: its cost per `agent_list` grows with what it has stored) and a fresh `visionflow --port 0 --physics-backend cpu` against it, one `/ws` viewer, `POST /api/bots/multi-agent/init` and {Agents} × `POST /api/bots/agents` (idle agents), {Settle.TotalSeconds:0} s to settle, then a {seconds:0} s window. Rows run before, after, after, before, … so a drift in the machine's load weighs on both alike.");
        sb.AppendLine();
        sb.AppendLine("| setting | claude-flow CPU s per minute (% of a core) | our process CPU s per minute (% of a core) | MCP requests/s (`network_stats.total_requests`) | claude-flow processes | load average at the window's end |");
        sb.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var p in phases)
        {
            var perMinute = 60 / p.Seconds;
            sb.AppendLine($"| {p.Label} | {F(p.PeerCpuSeconds * perMinute, "F2")} ({F(p.PeerCpuSeconds / p.Seconds * 100)} %) | {F(p.OurCpuSeconds * perMinute, "F2")} ({F(p.OurCpuSeconds / p.Seconds * 100)} %) | {F(p.Requests / p.Seconds)} | {p.PeerProcesses} | `{p.Load}` |");
        }

        double Mean(bool before, Func<Phase, double> f) => phases.Where(p => p.Label.StartsWith("before", StringComparison.Ordinal) == before).Average(f);
        var ratio = Mean(true, p => p.PeerCpuSeconds / p.Seconds) / Mean(false, p => p.PeerCpuSeconds / p.Seconds);
        sb.AppendLine();
        sb.AppendLine($"claude-flow's CPU, before ÷ after (mean of the rounds): **{F(ratio)}×** (goal ≥ 5×); ours: {F(Mean(true, p => p.OurCpuSeconds / p.Seconds) / Mean(false, p => p.OurCpuSeconds / p.Seconds))}×.");
        var table = sb.ToString();
        Console.WriteLine();
        Console.WriteLine(table);
        WriteReadmeSection("claude-flow CPU with idle agents (bench peer-cpu)", table);
        return 0;
    }

    private static async Task<Phase> MeasureAsync(string label, Dictionary<string, string> env, double seconds)
    {
        var port = FreePort();
        var bridge = await McpServers.StartAsync(McpServers.ClaudeFlow, port);
        Console.WriteLine($"  {label}: claude-flow bridge pid {bridge} on 127.0.0.1:{port}");
        try
        {
            return await MeasureAsync(label, env, port, bridge, seconds);
        }
        finally
        {
            await McpServers.StopAsync(bridge);
        }
    }

    private static async Task<Phase> MeasureAsync(string label, Dictionary<string, string> env, int port, int bridge, double seconds)
    {
        env["MCP_CONNECTION_TIMEOUT"] = "60000"; // claude-flow's cold start on a busy machine
        await using var service = await ChildProcess.StartServiceAsync(port, env);
        using var http = NewHttp(service.Port, 2);
        http.Timeout = TimeSpan.FromSeconds(60);
        await UntilAsync(async () =>
        {
            using var status = await GetJsonAsync(http, "/api/bots/status");
            return status?.RootElement.GetProperty("telemetry_mode").GetString() == "poll";
        }, "polled MCP session", service);
        var swarm = await PostAsync(http, "/api/bots/multi-agent/init", $"{{\"topology\":\"mesh\",\"max_agents\":{Agents}}}");
        var ids = new List<string>();
        for (var i = 0; i < Agents; i++)
        {
            ids.Add(await PostAsync(http, "/api/bots/agents", $"{{\"type\":\"coder\",\"swarm_id\":\"{swarm}\"}}"));
        }

        await UntilAsync(async () => (await ProbeAsync(http)).Agents == Agents, $"{Agents} agents in /api/bots/status", service);
        using var stop = new CancellationTokenSource();
        var viewer = LoadHarness.WsClientAsync(service.Port, stop.Token);
        await Task.Delay(Settle);

        var peer0 = ProcSampler.SessionCpuTicks(bridge);
        var ours0 = ProcSampler.CpuTicks(service.Pid);
        var requests0 = await RequestsAsync(http);
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var peer1 = ProcSampler.SessionCpuTicks(bridge);
        var ours1 = ProcSampler.CpuTicks(service.Pid);
        var elapsed = clock.Elapsed.TotalSeconds;
        var requests1 = await RequestsAsync(http);
        var load = ProcSampler.LoadAverage();
        var agentsAtEnd = (await ProbeAsync(http)).Agents;

        await stop.CancelAsync();
        var (frames, _, failed) = await viewer;
        if (failed || frames == 0 || agentsAtEnd != Agents)
        {
            throw new InvalidOperationException($"the viewer failed ({frames} frames) or the agents changed ({agentsAtEnd}):\n{service.Tail}");
        }

        foreach (var id in ids)
        {
            using var _ = await http.DeleteAsync($"/api/bots/agents/{Uri.EscapeDataString(id)}");
        }

        using (await http.DeleteAsync($"/api/bots/multi-agent/{Uri.EscapeDataString(swarm)}"))
        {
        }

        var peerTicks = peer1.Sum(p => p.Value - peer0.GetValueOrDefault(p.Key));
        var phase = new Phase(label, elapsed, peerTicks / 100.0, (ours1 - ours0) / 100.0, requests1 - requests0, peer1.Count, load);
        Console.WriteLine($"    claude-flow {F(phase.PeerCpuSeconds / elapsed * 100)} % of a core, ours {F(phase.OurCpuSeconds / elapsed * 100)} %, {F(phase.Requests / elapsed)} requests/s, {phase.PeerProcesses} peer processes");
        return phase;
    }

    private static async Task<string> PostAsync(HttpClient http, string path, string json)
    {
        using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {body}");
        }

        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<double> RequestsAsync(HttpClient http)
    {
        using var net = await GetJsonAsync(http, "/api/health/network");
        return net?.RootElement.GetProperty("network_stats").GetProperty("total_requests").GetDouble() ?? double.NaN;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, ChildProcess service)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(90) || service.HasExited)
            {
                throw new InvalidOperationException($"no {what} within 90 s:\n{service.Tail}");
            }

            await Task.Delay(200);
        }
    }
}

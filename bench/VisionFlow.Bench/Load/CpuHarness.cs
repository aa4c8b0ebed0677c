using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using static VisionFlow.Bench.Load.LoadTools;

namespace VisionFlow.Bench.Load;

/// <summary>
/// <c>cpu [seconds] [baseline-binary|-] [agents×viewers[@settle-seconds],…]</c>: what the service costs while telemetry
/// flows (issue 23).
/// Per row a fresh simulator process (<c>visionflow simulate --agents N</c>: every agent's telemetry pushed at 10 Hz,
/// plain dialect) and a fresh service (<c>visionflow --port 0 --physics-backend cpu</c>, <c>MCP_MAX_AGENTS=N+100</c>),
/// each from the binary under test (so a baseline runs as it shipped); once <c>/api/bots/status</c> shows the N agents,
/// V <c>/ws</c> viewers connect and read everything sent (binary and text), 10 s pass (or the row's <c>@S</c>: a later
/// window shows the steady state after the arrival's first layout, which the default one falls inside), then the window: the service's
/// utime + stime from /proc over it, as % of one core. The viewers are bare WebSocket readers: they make no REST
/// requests (a browser viewer of a build that still polls costs more). The baseline binary runs first, in the same
/// invocation.
/// </summary>
internal static class CpuHarness
{
    private static readonly TimeSpan DefaultSettle = TimeSpan.FromSeconds(10);

    /// <summary>Telemetry events the intake applied: what the simulator's pushes amounted to.</summary>
    private const string EventsMetric = "visionflow_telemetry_events_accepted_total";

    /// <summary>The rows issue 23 asks for: 10 agents with no viewer and one, 2,000 with one and ten, 10,000 with one.</summary>
    public const string DefaultRows = "10x0,10x1,2000x1,2000x10,10000x1";

    private sealed record Row(
        string Binary, int Agents, int Viewers, double SettleSeconds, double Seconds, double ServiceCpuSeconds, double SimulatorCpuSeconds,
        double Steps, double Events, long BinaryFrames, long BinaryBytes, long TextFrames, long TextBytes, long RssKb, long Switches, string LoadStart, string LoadEnd);

    public static async Task<int> RunAsync(double seconds, string? baseline, string rows)
    {
        var plan = rows.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ParseRow).ToArray();
        Console.WriteLine($"cpu: {seconds} s windows, rows {rows}, binary {ChildProcess.Binary}, baseline {baseline ?? "(none)"}");
        var results = new List<Row>();
        foreach (var (agents, viewers, settle) in plan)
        {
            if (baseline is not null)
            {
                results.Add(await MeasureAsync("baseline", baseline, agents, viewers, settle, seconds));
            }

            results.Add(await MeasureAsync("this build", ChildProcess.Binary, agents, viewers, settle, seconds));
        }

        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Command: `./build.sh bench cpu {seconds}{(baseline is null ? " -" : " " + baseline)} {rows}` — {Machine()}.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Per row a fresh `visionflow simulate --agents N` (all N agents' telemetry pushed at 10 Hz) and a fresh `visionflow --port 0 --physics-backend cpu` (`MCP_MAX_AGENTS=N+100`), both from the binary named; once `/api/bots/status` shows N agents, V bare `/ws` readers connect (no REST polling), S s pass (the window column: its length from S s on; 10 s unless the row says `@S`), then the window. Service CPU = utime + stime of the service process over the window, as % of one core; telemetry events accepted and physics steps from `/metrics` just outside it; `/ws` figures per viewer per second, averaged over the viewers; RSS at the window's end; context switches summed over the service's threads alive at the window's end (end − start per thread).");
        sb.AppendLine();
        sb.AppendLine("| binary | agents | /ws viewers | window | **service CPU, % of a core** | simulator CPU, % | telemetry events accepted/s | physics steps/s | /ws binary frames/s, KB/s per viewer | /ws text messages/s, KB/s per viewer | service RSS MiB | service context switches/s | load average start → end |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---|");
        foreach (var r in results)
        {
            var perViewer = Math.Max(1, r.Viewers) * r.Seconds;
            var ws = r.Viewers == 0 ? "—" : $"{F(r.BinaryFrames / perViewer)}, {F(r.BinaryBytes / 1024.0 / perViewer)}";
            var text = r.Viewers == 0 ? "—" : $"{F(r.TextFrames / perViewer)}, {F(r.TextBytes / 1024.0 / perViewer)}";
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Binary} | {r.Agents:N0} | {r.Viewers} | {F(r.Seconds, "F0")} s from {F(r.SettleSeconds, "F0")} s | **{F(r.ServiceCpuSeconds / r.Seconds * 100, "F1")} %** | {F(r.SimulatorCpuSeconds / r.Seconds * 100, "F1")} | {F(r.Events / r.Seconds, "F0")} | {F(r.Steps / r.Seconds)} | {ws} | {text} | {F(r.RssKb / 1024.0)} | {F(r.Switches / r.Seconds, "F0")} | `{r.LoadStart}` → `{r.LoadEnd}` |");
        }

        var table = sb.ToString();
        Console.WriteLine();
        Console.WriteLine(table);
        WriteReadmeSection("Service CPU under telemetry (bench cpu)", table);
        return 0;
    }

    private static (int Agents, int Viewers, TimeSpan Settle) ParseRow(string row)
    {
        var at = row.Split('@');
        var parts = at[0].Split('x');
        var seconds = DefaultSettle.TotalSeconds;
        if (at.Length > 2 || parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var agents) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var viewers)
            || agents < 0 || viewers < 0
            || (at.Length == 2 && !double.TryParse(at[1], CultureInfo.InvariantCulture, out seconds)) || !(seconds >= 0))
        {
            throw new ArgumentException($"a row is AGENTSxVIEWERS[@SETTLE_SECONDS] (e.g. 2000x10 or 10x1@60), not '{row}'");
        }

        return (agents, viewers, TimeSpan.FromSeconds(seconds));
    }

    private static async Task<Row> MeasureAsync(string label, string binary, int agents, int viewers, TimeSpan settle, double seconds)
    {
        Console.WriteLine($"  {label}: {agents} agents, {viewers} viewers, window from {F(settle.TotalSeconds, "F0")} s ({binary})");
        await using var simulator = await ChildProcess.StartSimulatorAsync(0, agents, binary);
        await using var service = await ChildProcess.StartServiceAsync(simulator.Port, new Dictionary<string, string>
        {
            ["MCP_MAX_AGENTS"] = (agents + 100).ToString(CultureInfo.InvariantCulture),
        }, binary);
        using var http = NewHttp(service.Port, 1);
        var warm = await WaitForAgentsAsync(http, service, agents);

        Console.WriteLine($"    warm-up {F(warm.TotalSeconds)} s");
        var readers = new List<WsReader>();
        try
        {
            for (var i = 0; i < viewers; i++)
            {
                readers.Add(await WsReader.ConnectAsync(service.Port));
            }

            await Task.Delay(settle);
            var metrics0 = await http.GetStringAsync("/metrics");
            var (steps0, events0) = (Metric(metrics0, "visionflow_physics_steps_total"), Metric(metrics0, EventsMetric));
            var load0 = ProcSampler.LoadAverage();
            var counts0 = readers.Select(r => r.Counts).ToArray();
            var (service0, simulator0) = (ProcSampler.CpuTicks(service.Pid), ProcSampler.CpuTicks(simulator.Pid));
            var threads0 = ThreadSwitches.Sample(service.Pid);
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var (service1, simulator1) = (ProcSampler.CpuTicks(service.Pid), ProcSampler.CpuTicks(simulator.Pid));
            var threads1 = ThreadSwitches.Sample(service.Pid);
            var elapsed = clock.Elapsed.TotalSeconds;
            var counts1 = readers.Select(r => r.Counts).ToArray();
            var load1 = ProcSampler.LoadAverage();
            var rss = ProcSampler.RssKb(service.Pid);
            var metrics1 = await http.GetStringAsync("/metrics");
            var (steps1, events1) = (Metric(metrics1, "visionflow_physics_steps_total"), Metric(metrics1, EventsMetric));
            if (service.HasExited || simulator.HasExited)
            {
                throw new InvalidOperationException($"a process exited during the window:\n{service.Tail}\n{simulator.Tail}");
            }

            var failed = readers.FirstOrDefault(r => r.Failure is not null);
            if (failed is not null)
            {
                throw new InvalidOperationException($"a /ws viewer lost its connection: {failed.Failure}");
            }

            long Sum(Func<(long BinaryFrames, long BinaryBytes, long TextFrames, long TextBytes), long> pick) =>
                counts1.Select(pick).Sum() - counts0.Select(pick).Sum();

            var row = new Row($"{label} (`{Path.GetFileName(binary)}`)", agents, viewers, settle.TotalSeconds, elapsed, (service1 - service0) / 100.0, (simulator1 - simulator0) / 100.0, steps1 - steps0, events1 - events0,
                Sum(c => c.BinaryFrames), Sum(c => c.BinaryBytes), Sum(c => c.TextFrames), Sum(c => c.TextBytes), rss, ThreadSwitches.Total(threads0, threads1), load0, load1);
            Console.WriteLine($"    service {F(row.ServiceCpuSeconds / elapsed * 100)} % of a core, simulator {F(row.SimulatorCpuSeconds / elapsed * 100)} %, {F(row.Steps / elapsed)} steps/s, {F(row.Switches / elapsed, "F0")} context switches/s");
            Console.Write(ThreadSwitches.Describe(threads0, threads1, elapsed));
            return row;
        }
        finally
        {
            foreach (var reader in readers)
            {
                await reader.DisposeAsync();
            }
        }
    }

    /// <summary>A <c>/ws</c> viewer that reads every message into one reused buffer and counts them.</summary>
    private sealed class WsReader : IAsyncDisposable
    {
        private readonly ClientWebSocket _socket;
        private readonly Task _loop;
        private long _binaryFrames, _binaryBytes, _textFrames, _textBytes;

        private WsReader(ClientWebSocket socket)
        {
            _socket = socket;
            _loop = Task.Run(ReadAsync);
        }

        public string? Failure { get; private set; }

        public (long BinaryFrames, long BinaryBytes, long TextFrames, long TextBytes) Counts =>
            (Interlocked.Read(ref _binaryFrames), Interlocked.Read(ref _binaryBytes), Interlocked.Read(ref _textFrames), Interlocked.Read(ref _textBytes));

        public static async Task<WsReader> ConnectAsync(int port)
        {
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), CancellationToken.None);
            return new WsReader(socket);
        }

        private async Task ReadAsync()
        {
            var buffer = new byte[1 << 16];
            try
            {
                while (true)
                {
                    var result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        Failure = "closed by the service";
                        return;
                    }

                    if (result.MessageType == WebSocketMessageType.Binary)
                    {
                        Interlocked.Add(ref _binaryBytes, result.Count);
                        if (result.EndOfMessage)
                        {
                            Interlocked.Increment(ref _binaryFrames);
                        }
                    }
                    else
                    {
                        Interlocked.Add(ref _textBytes, result.Count);
                        if (result.EndOfMessage)
                        {
                            Interlocked.Increment(ref _textFrames);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
                Failure ??= ex.Message;
            }
        }

        public async ValueTask DisposeAsync()
        {
            Failure ??= "disposed";
            _socket.Abort();
            await _loop;
            _socket.Dispose();
        }
    }
}

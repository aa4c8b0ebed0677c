using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VisionFlow.Bench;

/// <summary>
/// Time from process start to the first HTTP 200 from <c>/api/health</c> of the published AOT binary, against the
/// cost of spawning <c>/bin/true</c> measured in the same run; also the binary's CPU time (utime + stime) and resident
/// memory at that moment. With a baseline binary the two are started alternately, so both see the same load.
/// </summary>
internal static class StartupHarness
{
    private static readonly byte[] Request = Encoding.ASCII.GetBytes("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    // The early listener answers the health endpoints before the web host exists and 503s everything else: the first 200
    // from this endpoint is the host's.
    private static readonly byte[] HostRequest = Encoding.ASCII.GetBytes("GET /api/bots/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    private static readonly byte[] ReadyRequest = Encoding.ASCII.GetBytes("GET /api/health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

    /// <param name="ReadyMs">Until <c>/api/health/ready</c> first answers 200 (physics running: its backend chosen).</param>
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(120);

    private sealed record Sample(double Ms, long RssKb, long CpuTicks, double CpuMs, double HostMs, double ReadyMs);

    public static async Task<int> RunAsync(int iterations, string? baseline = null)
    {
        var binary = Environment.GetEnvironmentVariable("VISIONFLOW_BINARY")
            ?? throw new InvalidOperationException("VISIONFLOW_BINARY must point at the published binary (./build.sh bench sets it)");
        var spawns = new List<double>();
        var runs = new List<Sample>();
        var baselineRuns = new List<Sample>();
        var loadStart = Load.ProcSampler.LoadAverage();

        for (var i = 0; i < iterations; i++)
        {
            spawns.Add(await SpawnTrueAsync());
            if (baseline is not null)
            {
                baselineRuns.Add(await StartAndProbeAsync(baseline));
            }

            runs.Add(await StartAndProbeAsync(binary));
        }

        var loadEnd = Load.ProcSampler.LoadAverage();
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Command: `./build.sh bench startup {iterations}{(baseline is null ? "" : " " + baseline)}` — {Load.LoadTools.Machine()}; load average `{loadStart}` → `{loadEnd}`.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Binary: `{binary}` ({new FileInfo(binary).Length:N0} bytes){(baseline is null ? "" : $"; baseline `{baseline}` ({new FileInfo(baseline).Length:N0} bytes), started alternately with it")}. Each start: `ENABLE_MCP=false visionflow --port P`, polled with a fresh connection every millisecond until `/api/health` answers 200 (since the early listener, before the web host is built: see the row for the host's first 200); CPU = utime + stime of the process at that moment (10 ms ticks), and the sum of its live threads' run time from `/proc/PID/task/*/schedstat` (nanoseconds; a thread that already exited is not in it).");
        sb.AppendLine();
        sb.AppendLine("| measure | min | p50 | p90 | max |");
        sb.AppendLine("|---|---|---|---|---|");
        Row(sb, "spawn /bin/true (baseline floor), ms", spawns);
        if (baseline is not null)
        {
            Row(sb, "baseline: start -> first 200 /api/health, ms", baselineRuns.Select(r => r.Ms).ToList());
        }

        Row(sb, "start -> first 200 /api/health, ms", runs.Select(r => r.Ms).ToList());
        if (baseline is not null)
        {
            Row(sb, "baseline: start -> first 200 from the web host (/api/bots/status), ms", baselineRuns.Select(r => r.HostMs).ToList());
        }

        Row(sb, "start -> first 200 from the web host (/api/bots/status), ms", runs.Select(r => r.HostMs).ToList());
        if (baseline is not null)
        {
            Row(sb, "baseline: start -> first 200 /api/health/ready (physics running), ms", baselineRuns.Select(r => r.ReadyMs).ToList());
        }

        Row(sb, "start -> first 200 /api/health/ready (physics running), ms", runs.Select(r => r.ReadyMs).ToList());
        if (baseline is not null)
        {
            Row(sb, "baseline: CPU time at the first 200, ms", baselineRuns.Select(r => r.CpuTicks * 10.0).ToList());
        }

        Row(sb, "CPU time at the first 200, ms", runs.Select(r => r.CpuTicks * 10.0).ToList());
        if (baseline is not null)
        {
            Row(sb, "baseline: CPU time of its threads at the first 200 (schedstat), ms", baselineRuns.Select(r => r.CpuMs).ToList());
        }

        Row(sb, "CPU time of its threads at the first 200 (schedstat), ms", runs.Select(r => r.CpuMs).ToList());
        if (baseline is not null)
        {
            Row(sb, "baseline: RSS when first answering, MiB", baselineRuns.Select(r => r.RssKb / 1024.0).ToList());
        }

        Row(sb, "RSS when first answering, MiB", runs.Select(r => r.RssKb / 1024.0).ToList());
        Console.WriteLine();
        Console.WriteLine(sb.ToString());
        return 0;
    }

    private static void Row(StringBuilder sb, string name, List<double> values)
    {
        values.Sort();
        string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
        sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {F(values[0])} | {F(Percentile(values, 0.5))} | {F(Percentile(values, 0.9))} | {F(values[^1])} |");
    }

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];

    private static async Task<double> SpawnTrueAsync()
    {
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        await p.WaitForExitAsync();
        return sw.Elapsed.TotalMilliseconds;
    }

    private static async Task<Sample> StartAndProbeAsync(string binary)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add("--port");
        psi.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        psi.Environment["ENABLE_MCP"] = "false";

        var sw = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var deadline = TimeSpan.FromSeconds(10);
            while (sw.Elapsed < deadline)
            {
                if (await TryHealthAsync(port, Request))
                {
                    var ms = sw.Elapsed.TotalMilliseconds;
                    var (rss, cpu, cpuMs) = (ReadRssKb(process.Id), Load.ProcSampler.CpuTicks(process.Id), ThreadsCpuMs(process.Id));
                    while (!await TryHealthAsync(port, HostRequest))
                    {
                        Thread.Sleep(1);
                    }

                    var hostMs = sw.Elapsed.TotalMilliseconds;
                    while (!await TryHealthAsync(port, ReadyRequest))
                    {
                        // The device probe (lavapipe compiles the shaders) takes seconds on a busy 2-core machine.
                        if (sw.Elapsed > ReadyDeadline)
                        {
                            throw new TimeoutException($"binary was not ready within {ReadyDeadline.TotalSeconds:0} s");
                        }

                        Thread.Sleep(2);
                    }

                    return new Sample(ms, rss, cpu, cpuMs, hostMs, sw.Elapsed.TotalMilliseconds);
                }

                if (process.HasExited)
                {
                    throw new InvalidOperationException($"binary exited with {process.ExitCode} before answering");
                }

                // Yield the core: on a 2-core machine a hot polling loop would slow the very start-up it measures.
                Thread.Sleep(1);
            }

            throw new TimeoutException("binary did not answer /api/health within 10 s");
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static async Task<bool> TryHealthAsync(int port, byte[] request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
        }
        catch (SocketException)
        {
            // Not listening yet.
            return false;
        }

        await socket.SendAsync(request, SocketFlags.None);
        var buffer = new byte[512];
        var n = await socket.ReceiveAsync(buffer, SocketFlags.None);
        return n > 12 && Encoding.ASCII.GetString(buffer, 0, 12) == "HTTP/1.1 200";
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Run time of the process's live threads (<c>/proc/PID/task/*/schedstat</c>, first field, ns), in ms.</summary>
    private static double ThreadsCpuMs(int pid)
    {
        long ns = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var text = File.ReadAllText(Path.Combine(task, "schedstat"));
                ns += long.Parse(text.AsSpan(0, text.IndexOf(' ')), CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }

        return ns / 1e6;
    }

    private static long ReadRssKb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }
}

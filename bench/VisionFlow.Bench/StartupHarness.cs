using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VisionFlow.Bench;

/// <summary>
/// Time from process start to the first HTTP 200 from <c>/api/health</c> of the published AOT binary, against the
/// cost of spawning <c>/bin/true</c> measured in the same run; also the binary's resident memory once it answers.
/// </summary>
internal static class StartupHarness
{
    private static readonly byte[] Request = Encoding.ASCII.GetBytes("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

    public static async Task<int> RunAsync(int iterations)
    {
        var binary = Environment.GetEnvironmentVariable("VISIONFLOW_BINARY")
            ?? throw new InvalidOperationException("VISIONFLOW_BINARY must point at the published binary (./build.sh bench sets it)");
        var baseline = new List<double>();
        var startup = new List<double>();
        var rssKb = new List<long>();

        for (var i = 0; i < iterations; i++)
        {
            baseline.Add(await SpawnTrueAsync());
            var (ms, rss) = await StartAndProbeAsync(binary);
            startup.Add(ms);
            rssKb.Add(rss);
        }

        Console.WriteLine($"binary: {binary} ({new FileInfo(binary).Length / 1024.0 / 1024.0:F1} MiB)");
        Console.WriteLine($"iterations: {iterations}");
        Console.WriteLine("| measure | min | p50 | p90 | max |");
        Console.WriteLine("|---|---|---|---|---|");
        Row("spawn /bin/true (baseline), ms", baseline);
        Row("start -> first 200 /api/health, ms", startup);
        Row("RSS when first answering, MiB", rssKb.Select(k => k / 1024.0).ToList());
        return 0;
    }

    private static void Row(string name, List<double> values)
    {
        values.Sort();
        string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
        Console.WriteLine($"| {name} | {F(values[0])} | {F(Percentile(values, 0.5))} | {F(Percentile(values, 0.9))} | {F(values[^1])} |");
    }

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];

    private static async Task<double> SpawnTrueAsync()
    {
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        await p.WaitForExitAsync();
        return sw.Elapsed.TotalMilliseconds;
    }

    private static async Task<(double Ms, long RssKb)> StartAndProbeAsync(string binary)
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
                if (await TryHealthAsync(port))
                {
                    var ms = sw.Elapsed.TotalMilliseconds;
                    return (ms, ReadRssKb(process.Id));
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

    private static async Task<bool> TryHealthAsync(int port)
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

        await socket.SendAsync(Request, SocketFlags.None);
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

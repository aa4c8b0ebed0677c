using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace VisionFlow.Bench.Load;

/// <summary>Small shared pieces of the load, chaos and soak harnesses.</summary>
internal static class LoadTools
{
    public static string F(double v, string format = "F1") => v.ToString(format, CultureInfo.InvariantCulture);

    public static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        values.Sort();
        return values[(int)Math.Min(values.Count - 1, Math.Round(p * (values.Count - 1)))];
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static HttpClient NewHttp(int port, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseProxy = false,
    })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>GET and parse JSON; null when the call fails.</summary>
    public static async Task<JsonDocument?> GetJsonAsync(HttpClient http, string path, CancellationToken ct = default)
    {
        try
        {
            using var r = await http.GetAsync(path, ct).ConfigureAwait(false);
            var bytes = await r.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            return JsonDocument.Parse(bytes);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or IOException)
        {
            return null;
        }
    }

    /// <summary>One counter or gauge from Prometheus text (the first sample of that name); NaN when absent.</summary>
    public static double Metric(string text, string name)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && (line[name.Length] == ' ' || line[name.Length] == '{'))
            {
                var value = line[(line.LastIndexOf(' ') + 1)..];
                return double.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return double.NaN;
    }

    /// <summary>
    /// The physics step time (<paramref name="quantile"/> p50 or p99) in µs: <c>visionflow_physics_step_…_seconds</c>, or
    /// the <c>…_microseconds</c> family of binaries built before the metrics moved to base units (a baseline run).
    /// </summary>
    public static double StepMicroseconds(string text, string quantile)
    {
        var seconds = Metric(text, $"visionflow_physics_step_{quantile}_seconds");
        return double.IsNaN(seconds) ? Metric(text, $"visionflow_physics_step_{quantile}_microseconds") : seconds * 1e6;
    }

    /// <summary>degradation_level, circuit breaker state from /api/health/network and agent_count from /api/bots/status.</summary>
    /// <summary>
    /// Waits until <paramref name="service"/> shows all <paramref name="agents"/> over <c>/api/bots/status</c> (at most
    /// 120 s; a service that exits or never gets there fails the run with its last output); returns how long it took.
    /// </summary>
    public static async Task<TimeSpan> WaitForAgentsAsync(HttpClient http, ChildProcess service, int agents)
    {
        var warm = Stopwatch.StartNew();
        while ((await ProbeAsync(http)).Agents != agents)
        {
            if (warm.Elapsed > TimeSpan.FromSeconds(120) || service.HasExited)
            {
                throw new InvalidOperationException($"the service did not show {agents} agents within 120 s:\n{service.Tail}");
            }

            await Task.Delay(200);
        }

        return warm.Elapsed;
    }

    public static async Task<(string Level, string Breaker, int Agents)> ProbeAsync(HttpClient http, CancellationToken ct = default)
    {
        string level = "?", breaker = "?";
        var agents = -1;
        using (var net = await GetJsonAsync(http, "/api/health/network", ct).ConfigureAwait(false))
        {
            if (net is not null && net.RootElement.TryGetProperty("degradation_level", out var l))
            {
                level = l.GetString() ?? "?";
                breaker = net.RootElement.GetProperty("mcp_connection").GetProperty("circuit_breaker_state").GetString() ?? "?";
            }
        }

        using (var status = await GetJsonAsync(http, "/api/bots/status", ct).ConfigureAwait(false))
        {
            if (status is not null && status.RootElement.TryGetProperty("agent_count", out var a))
            {
                agents = a.GetInt32();
            }
        }

        return (level, breaker, agents);
    }

    /// <summary>
    /// One connection sending <c>ping</c> requests one at a time (each waits for its response line) until the deadline or
    /// cancellation; latencies in µs are added to <paramref name="rtts"/>. Lines without our id (pushes) are skipped.
    /// </summary>
    public static async Task<long> PingLoopAsync(int port, bool echo, TimeSpan duration, double ratePerConnection, List<double> rtts, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port, ct).ConfigureAwait(false);
        var buffer = new byte[64 * 1024];
        var filled = 0;
        long id = 0;
        long errors = 0;
        var local = new List<double>(1024);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var interval = ratePerConnection > 0 ? TimeSpan.FromSeconds(1 / ratePerConnection) : TimeSpan.Zero;
        var next = TimeSpan.Zero;
        try
        {
            while (clock.Elapsed < duration && !ct.IsCancellationRequested)
            {
                if (interval > TimeSpan.Zero)
                {
                    next += interval;
                    var wait = next - clock.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, ct).ConfigureAwait(false);
                    }
                }

                id++;
                var request = Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"ping\"}}\n");
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                await socket.SendAsync(request, SocketFlags.None, ct).ConfigureAwait(false);
                var idToken = Encoding.UTF8.GetBytes($"\"id\":{id}");
                while (true)
                {
                    var nl = buffer.AsSpan(0, filled).IndexOf((byte)'\n');
                    if (nl >= 0)
                    {
                        var line = buffer.AsSpan(0, nl);
                        var mine = line.IndexOf(idToken) >= 0;
                        if (mine && !echo && line.IndexOf("\"error\""u8) >= 0)
                        {
                            errors++;
                        }

                        buffer.AsSpan(nl + 1, filled - nl - 1).CopyTo(buffer);
                        filled -= nl + 1;
                        if (mine)
                        {
                            break;
                        }

                        continue;
                    }

                    if (filled == buffer.Length)
                    {
                        filled = 0; // an over-long push line: drop it, our response comes later
                    }

                    var n = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, ct).ConfigureAwait(false);
                    if (n == 0)
                    {
                        throw new IOException("peer closed the connection");
                    }

                    filled += n;
                }

                local.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            }
        }
        catch (OperationCanceledException)
        {
        }

        lock (rtts)
        {
            rtts.AddRange(local);
        }

        return errors;
    }

    /// <summary>Replaces (or appends) a "## title" section of bench/README.md.</summary>
    public static void WriteReadmeSection(string title, string body)
    {
        var path = FindReadme();
        if (path is null)
        {
            Console.WriteLine("bench/README.md not found; section not written");
            return;
        }

        var text = File.ReadAllText(path);
        var header = "## " + title + "\n";
        var start = text.IndexOf(header, StringComparison.Ordinal);
        var section = header + "\n" + body.TrimEnd() + "\n";
        if (start < 0)
        {
            text = text.TrimEnd() + "\n\n" + section;
        }
        else
        {
            var end = text.IndexOf("\n## ", start + header.Length, StringComparison.Ordinal);
            text = text[..start] + section + (end < 0 ? "" : "\n" + text[(end + 1)..]);
        }

        File.WriteAllText(path, text);
        Console.WriteLine($"wrote section \"{title}\" to {path}");
    }

    private static string? FindReadme() => RepositoryFile("bench/README.md");

    /// <summary>A file of the repository, found from the working directory upwards; null when not there.</summary>
    public static string? RepositoryFile(string relativePath)
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static string Machine() =>
        $"{Environment.ProcessorCount} cores, load average at start/end given below, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";

    public sealed record GcSample(DateTime At, double Heap, double Loh, double Committed, double Allocated, double Gen2);

    /// <summary>The service's own GC figures from <c>/metrics</c>: a growing heap is a leak, a flat heap under growing RSS is GC sizing.</summary>
    public static async Task<List<GcSample>> GcSampleAsync(HttpClient http, CancellationToken ct)
    {
        var samples = new List<GcSample>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var text = await http.GetStringAsync("/metrics", ct);
                samples.Add(new GcSample(DateTime.UtcNow, Metric(text, "dotnet_gc_heap_size_bytes"), Metric(text, "dotnet_gc_loh_size_bytes"),
                    Metric(text, "dotnet_gc_committed_bytes"), Metric(text, "dotnet_gc_allocated_bytes_total"), Metric(text, "dotnet_gc_gen2_collections_total")));
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }

        return samples;
    }
}

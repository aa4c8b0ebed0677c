using System.Globalization;

namespace VisionFlow.Bench.Load;

/// <summary>One reading of a process from /proc.</summary>
internal readonly record struct ProcSample(double Seconds, long RssKb, double CpuPercent, int Fds);

/// <summary>Samples a process's RSS, CPU% and open fds from /proc once a second until stopped.</summary>
internal sealed class ProcSampler
{
    private readonly int _pid;
    private readonly List<ProcSample> _samples = [];
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public ProcSampler(int pid) => _pid = pid;

    public IReadOnlyList<ProcSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public async Task RunAsync(TimeSpan interval, CancellationToken ct)
    {
        var lastTicks = CpuTicks(_pid);
        var lastTime = _clock.Elapsed;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                var ticks = CpuTicks(_pid);
                var now = _clock.Elapsed;
                if (ticks < 0)
                {
                    return;
                }

                // USER_HZ is 100 on Linux.
                var cpu = (ticks - lastTicks) / 100.0 / (now - lastTime).TotalSeconds * 100.0;
                lastTicks = ticks;
                lastTime = now;
                var sample = new ProcSample(now.TotalSeconds, RssKb(_pid), cpu, Fds(_pid));
                lock (_samples)
                {
                    _samples.Add(sample);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public static long RssKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return -1;
    }

    public static int Fds(int pid)
    {
        try
        {
            return Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    public static long CpuTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the ")" that ends the command name: state is field 3, utime 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>
    /// CPU ticks (utime + stime) of each live process in session <paramref name="sid"/> (a bridge started with
    /// <c>setsid</c> and all it forked), by pid. A window's cost is the sum of end − start over the pids alive at its end:
    /// a process started in the window counts whole, and one that exits in it (a connection of an earlier run closing)
    /// is left out, whose lifetime would otherwise land in its parent's reaped-children time at once.
    /// </summary>
    public static Dictionary<int, long> SessionCpuTicks(int sid)
    {
        var ticks = new Dictionary<int, long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // After the ")" that ends the command name: session is field 6, utime 14, stime 15.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[3], CultureInfo.InvariantCulture) == sid)
                {
                    ticks[pid] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // Exited between listing and reading.
            }
        }

        return ticks;
    }

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();
}

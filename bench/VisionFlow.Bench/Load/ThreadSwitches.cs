using System.Globalization;
using System.Text;

namespace VisionFlow.Bench.Load;

/// <summary>One thread of a process as /proc shows it: its name, context switches (voluntary + not) and CPU ticks.</summary>
internal readonly record struct ThreadSample(string Name, long Switches, long CpuTicks);

/// <summary>
/// Per-thread wake-ups of a process from <c>/proc/PID/task/*</c>: at a few percent of a core the cost is in waking
/// threads (futex hand-offs, timer ticks), not in arithmetic, and a thread's context switches are the honest meter.
/// </summary>
internal static class ThreadSwitches
{
    /// <summary>Each live thread of <paramref name="pid"/>, by thread id.</summary>
    public static Dictionary<int, ThreadSample> Sample(int pid)
    {
        var threads = new Dictionary<int, ThreadSample>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                string name = "";
                long switches = 0;
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("Name:", StringComparison.Ordinal))
                    {
                        name = line[5..].Trim();
                    }
                    else if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        switches += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                    }
                }

                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = new ThreadSample(name, switches, ticks);
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }

        return threads;
    }

    /// <summary>
    /// Switches in a window: per thread alive at its end, end − start (a thread started in the window counts whole; one
    /// that ended in it is left out, since its counts are gone with it).
    /// </summary>
    public static long Total(Dictionary<int, ThreadSample> start, Dictionary<int, ThreadSample> end) =>
        end.Sum(t => t.Value.Switches - (start.TryGetValue(t.Key, out var s) ? s.Switches : 0));

    /// <summary>The window's switches and CPU per thread name (threads of one name summed), busiest first, one line each.</summary>
    public static string Describe(Dictionary<int, ThreadSample> start, Dictionary<int, ThreadSample> end, double seconds)
    {
        var sb = new StringBuilder();
        var byName = end
            .Select(t => (t.Value.Name, Switches: t.Value.Switches - (start.TryGetValue(t.Key, out var s) ? s.Switches : 0), Ticks: t.Value.CpuTicks - (start.TryGetValue(t.Key, out var c) ? c.CpuTicks : 0)))
            .GroupBy(t => t.Name)
            .Select(g => (Name: g.Key, Threads: g.Count(), Switches: g.Sum(t => t.Switches), Ticks: g.Sum(t => t.Ticks)))
            .Where(g => g.Switches > 0 || g.Ticks > 0)
            .OrderByDescending(g => g.Switches);
        foreach (var g in byName)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"      {g.Name,-28} x{g.Threads,-3} {g.Switches / seconds,8:F1} switches/s {g.Ticks / seconds,6:F1} % cpu");
        }

        return sb.ToString();
    }
}

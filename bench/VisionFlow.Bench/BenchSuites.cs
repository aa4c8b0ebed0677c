using System.Reflection;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace VisionFlow.Bench;

/// <summary>
/// What <c>./build.sh bench [suite]</c> can run: the process harnesses handled in <c>Program</c>, and the
/// BenchmarkDotNet classes, selected by name or with BenchmarkDotNet's own <c>--filter</c>.
/// </summary>
internal static class BenchSuites
{
    /// <summary>The harnesses <c>Program</c> dispatches itself, with their arguments (keep in step with Program.cs).</summary>
    private static readonly string[] Harnesses =
    [
        "startup [N] [b]          published binary: N cold starts to the first 200 from /api/health (and CPU time then); b: a baseline binary, started alternately",
        "fuzz [N]                 long fuzz run, N inputs per target (default 1,000,000)",
        "agents-throughput [s]    telemetry ingest on one core for s seconds",
        "load [s] [agents]        simulated agents (default 10,000) end to end under REST/WS/MCP load",
        "chaos [restarts]         peer killed and restarted, then faults through the proxy",
        "soak [min]               100 MCP connections at 1,000 req/s for min minutes",
        "latency [n,…] [k] [a] [b] [bk]  event → /ws on one clock at n agents (default 2000,10000), k peer + a API spawns; b: a baseline binary, bk spawns",
        "attributes [n,…] [k] [w] [b]  an agent's status change → /ws on one clock at n agents (default 2000,10000), k samples, and the agents messages' bytes per change over a w-second window (default 20); b: a baseline binary",
        "idle [s] [b|-] [settle]  a settled graph's cost: service CPU, context switches, physics steps and /ws frames over s seconds; b: a baseline binary",
        "cpu [s] [b|-] [NxV,…]    service CPU over s seconds (default 30) with N agents at 10 Hz and V /ws viewers (default 10x0,10x1,2000x1,2000x10,10000x1); b: a baseline binary",
        "peer-cpu [s] [rounds]    real claude-flow's CPU with 10 idle agents: fixed 10 Hz poll against adaptive",
        "viewer [agents] [s]      the viewer's frame rate in headless Chromium (default 10,000 simulated agents, 10 s)",
        "screenshot [agents] [f]  the viewer at 1,000 simulated agents as a PNG (default docs/viewer.png)",
        "history cost|stateat|recovery  recording: CPU and MB/hour at 1,000 and 10,000 agents, state-at latency in a 24 h recording, kill -9 recovery",
    ];

    /// <summary>BenchmarkDotNet options that select benchmarks (or only print), so the interactive picker never opens.</summary>
    private static readonly string[] Selectors = ["--filter", "-f", "--list", "--allCategories", "--anyCategories", "--attribute", "--info", "--help", "-h", "-?", "--version"];

    /// <summary>Benchmark classes (a class with a [Benchmark] method), by name.</summary>
    public static IReadOnlyList<Type> BenchmarkClasses { get; } =
    [
        .. typeof(BenchSuites).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.GetMethods(BindingFlags.Public | BindingFlags.Instance).Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .OrderBy(t => t.Name, StringComparer.Ordinal),
    ];

    /// <summary>
    /// Maps the arguments onto BenchmarkDotNet's: a class name (with or without its "Benchmarks" suffix) becomes a
    /// filter; options pass through when they select something. No arguments: null (print the list).
    /// </summary>
    public static (string[]? Arguments, string? Error) Resolve(string[] args)
    {
        if (args.Length == 0)
        {
            return (null, null);
        }

        if (args[0].StartsWith('-'))
        {
            return args.Any(a => Selectors.Contains(a.Split('=')[0]))
                ? (args, null)
                : (null, "no suite selected: name one, or give BenchmarkDotNet a --filter");
        }

        var match = BenchmarkClasses.FirstOrDefault(t =>
            string.Equals(t.Name, args[0], StringComparison.OrdinalIgnoreCase)
            || string.Equals(t.Name, args[0] + "Benchmarks", StringComparison.OrdinalIgnoreCase));
        return match is null
            ? (null, $"unknown benchmark suite '{args[0]}'")
            : ([$"--filter", $"*{match.Name}*", .. args[1..]], null);
    }

    public static string List()
    {
        var sb = new StringBuilder();
        sb.AppendLine("Usage: ./build.sh bench SUITE [arguments]");
        sb.AppendLine();
        sb.AppendLine("Process harnesses:");
        foreach (var usage in Harnesses)
        {
            sb.Append("  ").AppendLine(usage);
        }

        sb.AppendLine();
        sb.AppendLine("BenchmarkDotNet suites (name one, optionally followed by BenchmarkDotNet options such as --job short):");
        foreach (var type in BenchmarkClasses)
        {
            sb.Append("  ").AppendLine(type.Name);
        }

        sb.AppendLine();
        sb.AppendLine("Or BenchmarkDotNet's own selection: ./build.sh bench --filter '*Frame*' --job short");
        return sb.ToString();
    }
}

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using VisionFlow.Physics;
using VisionFlow.Physics.Vulkan;

namespace VisionFlow.Bench;

/// <summary>
/// One layout step per tick, as the physics loop runs it, for n nodes with 5n random edges spread at one node per
/// cutoff-sized cell. Each invocation runs <see cref="StepsPerInvoke"/> single-step calls so every size does about
/// 10⁵ node-steps; the extra columns divide that back out. CPU is the baseline; Vulkan runs on whatever device the
/// machine has (lavapipe here).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class PhysicsStepBenchmarks
{
    private ILayoutBackend _cpu = null!;
    private ILayoutBackend _vulkan = null!;
    private LayoutGraph _cpuGraph = null!;
    private LayoutGraph _vulkanGraph = null!;

    [Params(1_000, 10_000, 100_000)]
    public int Nodes { get; set; }

    public int StepsPerInvoke => Math.Max(1, 100_000 / Nodes);

    [GlobalSetup]
    public void Setup()
    {
        _cpuGraph = Build(Nodes);
        _vulkanGraph = Build(Nodes);
        _cpu = new CpuLayoutBackend();
        // No Vulkan must fail the benchmark loudly, not quietly measure the CPU twice.
        _vulkan = VulkanLayoutBackend.Create();
        Console.WriteLine($"// Vulkan device: {_vulkan.DeviceName}; CPU backend: {_cpu.DeviceName}");
        // Past the first upload and the initial transient.
        _cpu.Step(_cpuGraph, PhysicsParameters.Default, 3);
        _vulkan.Step(_vulkanGraph, PhysicsParameters.Default, 3);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cpu.Dispose();
        _vulkan.Dispose();
    }

    [Benchmark(Baseline = true, Description = "cpu")]
    public float Cpu() => Run(_cpu, _cpuGraph);

    [Benchmark(Description = "vulkan")]
    public float Vulkan() => Run(_vulkan, _vulkanGraph);

    private float Run(ILayoutBackend backend, LayoutGraph graph)
    {
        var speed = 0f;
        for (var s = 0; s < StepsPerInvoke; s++) speed = backend.Step(graph, PhysicsParameters.Default, 1);
        return speed;
    }

    private static LayoutGraph Build(int n)
    {
        var rng = new Random(42);
        var ids = new uint[n];
        for (var i = 0; i < n; i++) ids[i] = (uint)i | (i % 5 == 0 ? LayoutGraph.AgentBit : 0u);
        var edges = new (int, int, float)[5 * n];
        for (var e = 0; e < edges.Length; e++) edges[e] = (rng.Next(n), rng.Next(n), 1f);
        var g = LayoutGraph.FromEdges(ids, edges);
        g.SeedVolume(25f * MathF.Cbrt(n));
        return g;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // Short on purpose (shared 2-core machine): 1 warm-up, 3 measured iterations of 4 invocations each.
            AddJob(Job.ShortRun.WithWarmupCount(1).WithIterationCount(3).WithInvocationCount(4).WithUnrollFactor(1));
            AddColumn(new PerStepColumn("steps/s", (mean, b) => 1e9 / (mean / b.StepsPerInvoke)));
            AddColumn(new PerStepColumn("ns/node-step", (mean, b) => mean / b.StepsPerInvoke / b.Nodes));
        }
    }

    private sealed class PerStepColumn(string name, Func<double, PhysicsStepBenchmarks, double> compute) : IColumn
    {
        public string Id => nameof(PerStepColumn) + name;
        public string ColumnName => name;
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => name == "steps/s" ? "Layout steps per second" : "Nanoseconds per node per step";
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } stats) return "-";
            var nodes = (int)benchmarkCase.Parameters["Nodes"];
            var probe = new PhysicsStepBenchmarks { Nodes = nodes };
            return compute(stats.Mean, probe).ToString("N1", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}

using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;

namespace VisionFlow.Bench.Goals;

/// <summary>Adds p50/p95 columns to the default summary (the goals are stated as medians).</summary>
public sealed class PercentileConfig : ManualConfig
{
    public PercentileConfig() => AddColumn(StatisticColumn.P50, StatisticColumn.P95);
}

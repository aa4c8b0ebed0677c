using System.Diagnostics.Metrics;

namespace VisionFlow.Server.Metrics;

/// <summary>
/// A pushed histogram per series: cumulative buckets at the instrument's advised bounds (OpenTelemetry's defaults when
/// it advises none), the sum and the count, written as Prometheus <c>_bucket</c>, <c>_sum</c> and <c>_count</c>.
/// </summary>
internal sealed class HistogramStream : MetricStream
{
    private static readonly double[] DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
    private readonly double[] _bounds;
    private readonly string[] _le;
    private readonly MetricSeries<Cell> _series;

    public HistogramStream(Instrument instrument, IReadOnlyList<double>? bounds)
        : base(instrument, "histogram")
    {
        _bounds = bounds is { Count: > 0 } ? [.. bounds] : DefaultBounds;
        _le = [.. _bounds.Select(PrometheusWriter.Format), "+Inf"];
        var buckets = _bounds.Length + 1;
        _series = new MetricSeries<Cell>(() => new Cell(buckets));
    }

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var cell = _series.Get(tags);
        var bucket = 0;
        while (bucket < _bounds.Length && value > _bounds[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref cell.Buckets[bucket]);
        AddTo(ref cell.Sum, value);
    }

    public override void Write(PrometheusWriter writer)
    {
        var entries = _series.Entries;
        if (entries.Length == 0)
        {
            return;
        }

        writer.Family(Name, Type, Instrument.Description);
        foreach (var entry in entries)
        {
            long cumulative = 0;
            for (var i = 0; i < _le.Length; i++)
            {
                cumulative += Volatile.Read(ref entry.Cell.Buckets[i]);
                writer.Sample(Name, "_bucket", entry.Labels, _le[i], cumulative);
            }

            writer.Sample(Name, "_sum", entry.Labels, null, Volatile.Read(ref entry.Cell.Sum));
            // The count is the +Inf bucket read above, so the two always agree within one exposition.
            writer.Sample(Name, "_count", entry.Labels, null, cumulative);
        }
    }

    internal sealed class Cell(int buckets)
    {
        public readonly long[] Buckets = new long[buckets];
        public double Sum;
    }
}

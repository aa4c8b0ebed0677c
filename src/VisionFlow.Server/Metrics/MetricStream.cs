using System.Diagnostics.Metrics;

namespace VisionFlow.Server.Metrics;

/// <summary>
/// What <c>/metrics</c> keeps of one instrument, and how it is written as one Prometheus family. The family's name is
/// derived from the instrument's: dots become underscores, the unit's word is appended unless the name already ends
/// with it (<c>s</c> seconds, <c>ms</c> milliseconds, <c>us</c> microseconds, <c>By</c> bytes; annotations such as
/// <c>{request}</c> add nothing), and counters end in <c>_total</c>; the HELP line is the instrument's description.
/// </summary>
internal abstract class MetricStream
{
    protected MetricStream(Instrument instrument, string type)
    {
        Instrument = instrument;
        Type = type;
        Name = FamilyName(instrument, counter: type == "counter");
    }

    /// <summary>The instrument this stream aggregates.</summary>
    public Instrument Instrument { get; }

    /// <summary>The Prometheus family name.</summary>
    public string Name { get; }

    /// <summary><c>counter</c>, <c>gauge</c> or <c>histogram</c>.</summary>
    public string Type { get; }

    /// <summary>Makes the stream that fits <paramref name="instrument"/>.</summary>
    public static MetricStream Create(Instrument instrument)
    {
        var counter = instrument is Counter<long> or Counter<int> or Counter<double>
            or ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double>;
        var type = counter ? "counter" : "gauge";
        if (instrument.IsObservable)
        {
            return new ObservedStream(instrument, type);
        }

        return instrument switch
        {
            Histogram<double> h => new HistogramStream(h, h.Advice?.HistogramBucketBoundaries),
            Histogram<long> h => new HistogramStream(h, h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray()),
            Histogram<int> h => new HistogramStream(h, h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray()),
            // A pushed gauge keeps the last value; counters and up-down counters add.
            Gauge<long> or Gauge<int> or Gauge<double> => new SumStream(instrument, type, lastValue: true),
            _ => new SumStream(instrument, type, lastValue: false),
        };
    }

    /// <summary>Takes one measurement (from any thread for pushed instruments; from the collecting thread for observed ones).</summary>
    public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    /// <summary>Called before observable instruments are read for one exposition.</summary>
    public virtual void BeginCollect()
    {
    }

    /// <summary>Writes the family; one with no samples (an unknown value) is left out entirely.</summary>
    public abstract void Write(PrometheusWriter writer);

    /// <summary>Adds <paramref name="value"/> to <paramref name="sum"/> atomically (no lock: recording threads race here).</summary>
    protected static void AddTo(ref double sum, double value)
    {
        double seen, next;
        do
        {
            seen = Volatile.Read(ref sum);
            next = seen + value;
        }
        while (Interlocked.CompareExchange(ref sum, next, seen) != seen);
    }

    private static string FamilyName(Instrument instrument, bool counter)
    {
        var name = PrometheusWriter.Name(instrument.Name);
        var unit = instrument.Unit;
        var word = unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "us" => "microseconds",
            "By" => "bytes",
            _ => null,
        };
        if (word is not null && !name.EndsWith("_" + word, StringComparison.Ordinal) && !name.EndsWith("_" + unit, StringComparison.Ordinal))
        {
            name += "_" + word;
        }

        return counter && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }
}

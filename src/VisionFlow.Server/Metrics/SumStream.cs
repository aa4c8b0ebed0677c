using System.Diagnostics.Metrics;

namespace VisionFlow.Server.Metrics;

/// <summary>A pushed counter or up-down counter (values add up) or gauge (the last value stands), per series.</summary>
internal sealed class SumStream(Instrument instrument, string type, bool lastValue) : MetricStream(instrument, type)
{
    private readonly MetricSeries<Cell> _series = new(static () => new Cell());

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var cell = _series.Get(tags);
        if (lastValue)
        {
            Volatile.Write(ref cell.Value, value);
            return;
        }

        AddTo(ref cell.Value, value);
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
            writer.Sample(Name, string.Empty, entry.Labels, null, Volatile.Read(ref entry.Cell.Value));
        }
    }

    internal sealed class Cell
    {
        public double Value;
    }
}

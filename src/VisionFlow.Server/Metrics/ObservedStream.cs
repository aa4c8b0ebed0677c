using System.Diagnostics.Metrics;

namespace VisionFlow.Server.Metrics;

/// <summary>An observable instrument: what its callback reported during the current exposition, nothing kept between.</summary>
internal sealed class ObservedStream(Instrument instrument, string type) : MetricStream(instrument, type)
{
    // Touched only under the exporter's collection lock: the callbacks run synchronously on the collecting thread.
    private readonly List<(string Labels, double Value)> _observed = [];

    public override void BeginCollect() => _observed.Clear();

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _observed.Add((PrometheusWriter.Labels(tags), value));

    public override void Write(PrometheusWriter writer)
    {
        if (_observed.Count == 0)
        {
            return;
        }

        writer.Family(Name, Type, Instrument.Description);
        foreach (var (labels, value) in _observed)
        {
            writer.Sample(Name, string.Empty, labels, null, value);
        }
    }
}

using System.Buffers;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace VisionFlow.Server.Metrics;

/// <summary>
/// <c>/metrics</c> from the product's instruments (one source of truth with OTLP and <c>dotnet-counters</c>): a
/// <see cref="MeterListener"/> over this host's <see cref="ProductMeters"/> aggregates what is pushed (HTTP requests, MCP
/// call durations) as it happens, and reads the observable instruments only when an exposition is written.
/// </summary>
internal sealed partial class PrometheusExporter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _streamsGate = new();
    private readonly Lock _collectGate = new();
    private readonly ILogger _logger;
    private MetricStream[] _streams = [];

    public PrometheusExporter(ProductMeters meters, ILogger<PrometheusExporter> logger)
    {
        _logger = logger;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!meters.Owns(instrument))
            {
                return;
            }

            var stream = MetricStream.Create(instrument);
            lock (_streamsGate)
            {
                _streams = [.. _streams, stream];
            }

            listener.EnableMeasurementEvents(instrument, stream);
        };
        _listener.MeasurementsCompleted = (_, state) =>
        {
            lock (_streamsGate)
            {
                _streams = [.. _streams.Where(s => !ReferenceEquals(s, state))];
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((MetricStream)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((MetricStream)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((MetricStream)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((MetricStream)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Writes every family in the text exposition format; observable instruments are read now.</summary>
    public void Write(IBufferWriter<byte> output)
    {
        lock (_collectGate)
        {
            var streams = Volatile.Read(ref _streams);
            foreach (var stream in streams)
            {
                stream.BeginCollect();
            }

            try
            {
                _listener.RecordObservableInstruments();
            }
            catch (AggregateException ex)
            {
                // A failing callback loses its own families, not the exposition: the others were read all the same.
                LogObserveFailed(_logger, ex.InnerExceptions.Count, ex.InnerException);
            }

            var writer = new PrometheusWriter(output);
            foreach (var stream in streams)
            {
                stream.Write(writer);
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "{Count} observable instrument(s) failed while /metrics was collected")]
    private static partial void LogObserveFailed(ILogger logger, int count, Exception? exception);
}

using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>A span as an OTLP/HTTP receiver decoded it.</summary>
internal sealed record ReceivedSpan(string Scope, string Name, string TraceId, string SpanId, string ParentSpanId, int Kind, int StatusCode, IReadOnlyDictionary<string, string> Attributes);

/// <summary>A metric as an OTLP/HTTP receiver decoded it: its largest data point (sum or gauge) or its count (histogram).</summary>
internal sealed record ReceivedMetric(string Scope, string Name, string Unit, double Value);

/// <summary>
/// A real OTLP/HTTP receiver on 127.0.0.1 (<c>POST /v1/traces</c>, <c>POST /v1/metrics</c>, protobuf bodies, gzip or
/// not), decoding just the fields the tests look at: the resource's <c>service.name</c>, spans with their parent, and
/// metric names with a value. It answers every request with 200 and an empty response message, as a collector does.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;

    private OtlpReceiver(HttpListener listener, Uri endpoint)
    {
        _listener = listener;
        Endpoint = endpoint;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The base endpoint for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public Uri Endpoint { get; }

    public ConcurrentQueue<string> ServiceNames { get; } = new();

    public ConcurrentQueue<ReceivedSpan> Spans { get; } = new();

    public ConcurrentQueue<ReceivedMetric> Metrics { get; } = new();

    /// <summary>Export requests received per path.</summary>
    public ConcurrentDictionary<string, int> Requests { get; } = new(StringComparer.Ordinal);

    public static OtlpReceiver Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new OtlpReceiver(listener, new Uri($"http://127.0.0.1:{port}"));
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // The port was taken between finding it and binding it: try another. Closing a listener that never
                // started looks the port up again and can throw the same error, which says nothing new.
                try
                {
                    listener.Close();
                }
                catch (HttpListenerException)
                {
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            var input = context.Request.Headers["Content-Encoding"] == "gzip"
                ? new GZipStream(context.Request.InputStream, CompressionMode.Decompress)
                : context.Request.InputStream;
            await input.CopyToAsync(body);
            var path = context.Request.Url!.AbsolutePath;
            Requests.AddOrUpdate(path, 1, (_, n) => n + 1);
            if (path == "/v1/traces")
            {
                ReadTraces(body.ToArray());
            }
            else if (path == "/v1/metrics")
            {
                ReadMetrics(body.ToArray());
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1 }
    private void ReadTraces(ReadOnlySpan<byte> request)
    {
        var reader = new ProtoReader(request);
        while (reader.Next(out var field, out var wire))
        {
            if (field != 1)
            {
                reader.Skip(wire);
                continue;
            }

            // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2 }
            var resourceSpans = new ProtoReader(reader.ReadBytes());
            while (resourceSpans.Next(out var f, out var w))
            {
                if (f == 1)
                {
                    ReadResource(resourceSpans.ReadBytes());
                }
                else if (f == 2)
                {
                    ReadScopeSpans(resourceSpans.ReadBytes());
                }
                else
                {
                    resourceSpans.Skip(w);
                }
            }
        }
    }

    // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2 }
    private void ReadScopeSpans(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        var scope = string.Empty;
        var spans = new List<byte[]>();
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1)
            {
                scope = ScopeName(reader.ReadBytes());
            }
            else if (field == 2)
            {
                spans.Add(reader.ReadBytes().ToArray());
            }
            else
            {
                reader.Skip(wire);
            }
        }

        foreach (var span in spans)
        {
            Spans.Enqueue(ReadSpan(scope, span));
        }
    }

    // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; SpanKind kind = 6;
    //        repeated KeyValue attributes = 9; Status status = 15 { StatusCode code = 3 } }
    private static ReceivedSpan ReadSpan(string scope, ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        string traceId = string.Empty, spanId = string.Empty, parent = string.Empty, name = string.Empty;
        int kind = 0, status = 0;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Next(out var field, out var wire))
        {
            switch (field)
            {
                case 1: traceId = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case 2: spanId = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case 4: parent = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case 5: name = reader.ReadString(); break;
                case 6: kind = (int)reader.ReadVarint(); break;
                case 9:
                    var (key, value) = ReadKeyValue(reader.ReadBytes());
                    attributes[key] = value;
                    break;
                case 15:
                    var statusReader = new ProtoReader(reader.ReadBytes());
                    while (statusReader.Next(out var f, out var w))
                    {
                        if (f == 3)
                        {
                            status = (int)statusReader.ReadVarint();
                        }
                        else
                        {
                            statusReader.Skip(w);
                        }
                    }

                    break;
                default: reader.Skip(wire); break;
            }
        }

        return new ReceivedSpan(scope, name, traceId, spanId, parent, kind, status, attributes);
    }

    // ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1 }
    // ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2 }
    private void ReadMetrics(ReadOnlySpan<byte> request)
    {
        var reader = new ProtoReader(request);
        while (reader.Next(out var field, out var wire))
        {
            if (field != 1)
            {
                reader.Skip(wire);
                continue;
            }

            var resourceMetrics = new ProtoReader(reader.ReadBytes());
            while (resourceMetrics.Next(out var f, out var w))
            {
                if (f == 1)
                {
                    ReadResource(resourceMetrics.ReadBytes());
                }
                else if (f == 2)
                {
                    ReadScopeMetrics(resourceMetrics.ReadBytes());
                }
                else
                {
                    resourceMetrics.Skip(w);
                }
            }
        }
    }

    // ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2 }
    private void ReadScopeMetrics(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        var scope = string.Empty;
        var metrics = new List<byte[]>();
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1)
            {
                scope = ScopeName(reader.ReadBytes());
            }
            else if (field == 2)
            {
                metrics.Add(reader.ReadBytes().ToArray());
            }
            else
            {
                reader.Skip(wire);
            }
        }

        foreach (var metric in metrics)
        {
            Metrics.Enqueue(ReadMetric(scope, metric));
        }
    }

    // Metric { string name = 1; string unit = 3; Gauge gauge = 5; Sum sum = 7; Histogram histogram = 9 }, each with
    // repeated data_points = 1: NumberDataPoint { double as_double = 4; sfixed64 as_int = 6 },
    // HistogramDataPoint { fixed64 count = 4 }.
    private static ReceivedMetric ReadMetric(string scope, ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        string name = string.Empty, unit = string.Empty;
        var value = double.NaN;
        while (reader.Next(out var field, out var wire))
        {
            switch (field)
            {
                case 1: name = reader.ReadString(); break;
                case 3: unit = reader.ReadString(); break;
                case 5 or 7 or 9:
                    var histogram = field == 9;
                    var data = new ProtoReader(reader.ReadBytes());
                    while (data.Next(out var f, out var w))
                    {
                        if (f == 1)
                        {
                            var point = PointValue(data.ReadBytes(), histogram);
                            value = double.IsNaN(value) ? point : Math.Max(value, point);
                        }
                        else
                        {
                            data.Skip(w);
                        }
                    }

                    break;
                default: reader.Skip(wire); break;
            }
        }

        return new ReceivedMetric(scope, name, unit, value);
    }

    private static double PointValue(ReadOnlySpan<byte> bytes, bool histogram)
    {
        var reader = new ProtoReader(bytes);
        while (reader.Next(out var field, out var wire))
        {
            if (histogram && field == 4)
            {
                return reader.ReadFixed64();
            }

            if (!histogram && field == 4)
            {
                return BitConverter.UInt64BitsToDouble(reader.ReadFixed64());
            }

            if (!histogram && field == 6)
            {
                return (long)reader.ReadFixed64();
            }

            reader.Skip(wire);
        }

        return double.NaN;
    }

    // Resource { repeated KeyValue attributes = 1 }
    private void ReadResource(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        while (reader.Next(out var field, out var wire))
        {
            if (field != 1)
            {
                reader.Skip(wire);
                continue;
            }

            var (key, value) = ReadKeyValue(reader.ReadBytes());
            if (key == "service.name")
            {
                ServiceNames.Enqueue(value);
            }
        }
    }

    // InstrumentationScope { string name = 1 }
    private static string ScopeName(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1)
            {
                return reader.ReadString();
            }

            reader.Skip(wire);
        }

        return string.Empty;
    }

    // KeyValue { string key = 1; AnyValue value = 2 { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4 } }
    private static (string Key, string Value) ReadKeyValue(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        string key = string.Empty, value = string.Empty;
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1)
            {
                key = reader.ReadString();
            }
            else if (field == 2)
            {
                var any = new ProtoReader(reader.ReadBytes());
                while (any.Next(out var f, out var w))
                {
                    value = f switch
                    {
                        1 => any.ReadString(),
                        2 => any.ReadVarint() != 0 ? "true" : "false",
                        3 => ((long)any.ReadVarint()).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        4 => BitConverter.UInt64BitsToDouble(any.ReadFixed64()).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        _ => Skipped(ref any, w),
                    };
                }
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return (key, value);
    }

    private static string Skipped(ref ProtoReader reader, int wireType)
    {
        reader.Skip(wireType);
        return string.Empty;
    }
}

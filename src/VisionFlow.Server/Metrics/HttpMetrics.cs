using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;

namespace VisionFlow.Server.Metrics;

/// <summary>
/// The first middleware: counts HTTP requests by status class, the requests in flight, and their duration, on the
/// server meter. With no listener (never the case while <c>/metrics</c> is served) each record is a no-op.
/// </summary>
internal sealed class HttpMetrics
{
    private static readonly double[] BucketSeconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    private static readonly KeyValuePair<string, object?>[] Classes =
        [new("code", "1xx"), new("code", "2xx"), new("code", "3xx"), new("code", "4xx"), new("code", "5xx")];

    private readonly Counter<long> _requests;
    private readonly UpDownCounter<long> _inFlight;
    private readonly Histogram<double> _duration;

    public HttpMetrics(ProductMeters meters)
    {
        var meter = meters.Server;
        _requests = meter.CreateCounter<long>("visionflow.http.requests", "{request}", "HTTP requests completed, by status class.");
        _inFlight = meter.CreateUpDownCounter<long>("visionflow.http.requests.in_flight", "{request}", "HTTP requests being processed.");
        _duration = meter.CreateHistogram<double>("visionflow.http.request.duration", "s", "HTTP request duration.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = BucketSeconds });

        // Every class exists from the start at zero, so a rate over the first scrapes is defined and the family is whole.
        foreach (var statusClass in Classes)
        {
            _requests.Add(0, statusClass);
        }
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var start = Stopwatch.GetTimestamp();
        _inFlight.Add(1);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.Add(-1);
            _requests.Add(1, Classes[Math.Clamp(context.Response.StatusCode / 100, 1, 5) - 1]);
            _duration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }
}

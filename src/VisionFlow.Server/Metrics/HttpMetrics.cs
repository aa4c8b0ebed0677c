using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace VisionFlow.Server.Metrics;

/// <summary>Counts HTTP requests by status class and records their duration in fixed buckets (lock-free counters).</summary>
internal sealed class HttpMetrics : IMetricsSource
{
    private static readonly double[] BucketSeconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    private static readonly string[] Classes = ["1xx", "2xx", "3xx", "4xx", "5xx"];
    private readonly long[] _byClass = new long[5];
    private readonly long[] _buckets = new long[BucketSeconds.Length + 1];
    private long _durationTicks;
    private long _count;
    private long _inFlight;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var start = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _inFlight);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            Record(context.Response.StatusCode, Stopwatch.GetElapsedTime(start));
        }
    }

    public void WriteMetrics(PrometheusWriter writer)
    {
        writer.Family("visionflow_http_requests_total", "counter", "HTTP requests completed, by status class.");
        for (var i = 0; i < Classes.Length; i++)
        {
            writer.Sample("visionflow_http_requests_total", "code", Classes[i], Volatile.Read(ref _byClass[i]));
        }

        writer.Gauge("visionflow_http_requests_in_flight", "HTTP requests being processed.", Volatile.Read(ref _inFlight));
        writer.Family("visionflow_http_request_duration_seconds", "histogram", "HTTP request duration.");
        long cumulative = 0;
        for (var i = 0; i < BucketSeconds.Length; i++)
        {
            cumulative += Volatile.Read(ref _buckets[i]);
            writer.Sample("visionflow_http_request_duration_seconds_bucket", "le", BucketSeconds[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture), cumulative);
        }

        cumulative += Volatile.Read(ref _buckets[^1]);
        writer.Sample("visionflow_http_request_duration_seconds_bucket", "le", "+Inf", cumulative);
        writer.Sample("visionflow_http_request_duration_seconds_sum", TimeSpan.FromTicks(Volatile.Read(ref _durationTicks)).TotalSeconds);
        writer.Sample("visionflow_http_request_duration_seconds_count", Volatile.Read(ref _count));
    }

    private void Record(int status, TimeSpan elapsed)
    {
        var cls = Math.Clamp(status / 100, 1, 5) - 1;
        Interlocked.Increment(ref _byClass[cls]);
        var seconds = elapsed.TotalSeconds;
        var bucket = 0;
        while (bucket < BucketSeconds.Length && seconds > BucketSeconds[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref _buckets[bucket]);
        Interlocked.Add(ref _durationTicks, elapsed.Ticks);
        Interlocked.Increment(ref _count);
    }
}

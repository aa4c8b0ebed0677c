using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace VisionFlow.Server.Security;

/// <summary>
/// A token bucket per client address, refilled from the clock when the client asks rather than by a timer: ASP.NET's
/// <c>PartitionedRateLimiter.Create</c> runs a 100 ms heartbeat for its buckets whether or not anyone asks, ten timer
/// firings a second (three thread wake-ups each) on an idle box (issue 23, bench/README "Wake-ups at ten agents",
/// round 6). Each bucket holds up to two seconds' worth and refills continuously at the rate; no queueing (a request
/// over the limit is refused at once). Buckets a client has left full are dropped when the table is swept, at most once
/// per <see cref="SweepEvery"/> acquisitions.
/// </summary>
internal sealed class ClientRateLimiter : PartitionedRateLimiter<HttpContext>
{
    private const int SweepEvery = 1024;
    private static readonly RateLimitLease Granted = new Lease(true, TimeSpan.Zero);

    private readonly Func<HttpContext, bool> _exempt;
    private readonly TimeProvider _time;
    private readonly double _perTick; // tokens per timestamp tick
    private readonly double _capacity;
    private readonly long _fullAfter; // ticks an empty bucket takes to fill
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private int _sinceSweep;

    public ClientRateLimiter(int perSecond, Func<HttpContext, bool> exempt, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perSecond, 1);
        _exempt = exempt;
        _time = time;
        _capacity = perSecond * 2.0;
        _perTick = perSecond / (double)time.TimestampFrequency;
        _fullAfter = (long)Math.Ceiling(_capacity / _perTick);
    }

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        if (_exempt(resource))
        {
            return Granted;
        }

        var key = resource.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (++_sinceSweep >= SweepEvery)
            {
                Sweep(now);
            }

            if (!_buckets.TryGetValue(key, out var bucket))
            {
                bucket = new Bucket { Tokens = _capacity, Stamp = now };
                _buckets.Add(key, bucket);
            }

            bucket.Tokens = Math.Min(_capacity, bucket.Tokens + (now - bucket.Stamp) * _perTick);
            bucket.Stamp = now;
            if (bucket.Tokens >= permitCount)
            {
                bucket.Tokens -= permitCount;
                return Granted;
            }

            var missing = permitCount - bucket.Tokens;
            return new Lease(false, TimeSpan.FromSeconds(missing / (_perTick * _time.TimestampFrequency)));
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken)
        => ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));

    private void Sweep(long now)
    {
        _sinceSweep = 0;
        foreach (var (key, bucket) in _buckets)
        {
            if (now - bucket.Stamp >= _fullAfter)
            {
                _buckets.Remove(key); // full again: forgetting it changes nothing
            }
        }
    }

    private sealed class Bucket
    {
        public double Tokens;
        public long Stamp;
    }

    private sealed class Lease(bool acquired, TimeSpan retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => acquired ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (!acquired && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = retryAfter;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}

using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using VisionFlow.Server.Security;

namespace VisionFlow.Server.Tests;

/// <summary>
/// The per-client limiter refills its buckets from the clock when a client asks (no heartbeat timer): two seconds' worth
/// at most, each address apart, exempt requests never counted, a refusal saying how long until a permit.
/// </summary>
public sealed class ClientRateLimiterTests
{
    private static HttpContext From(string address, string path = "/api/bots/status")
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        context.Request.Path = path;
        return context;
    }

    private static ClientRateLimiter Limiter(FakeTimeProvider time, int perSecond = 5)
        => new(perSecond, static c => c.Request.Path.Value == "/api/health", time);

    [Test]
    public async Task A_client_gets_two_seconds_worth_then_is_refused_with_the_wait_until_its_next_permit()
    {
        var time = new FakeTimeProvider();
        using var limiter = Limiter(time);
        for (var i = 0; i < 10; i++)
        {
            using var lease = limiter.AttemptAcquire(From("10.0.0.1"));
            await Assert.That(lease.IsAcquired).IsTrue();
        }

        using var refused = limiter.AttemptAcquire(From("10.0.0.1"));
        await Assert.That(refused.IsAcquired).IsFalse();
        await Assert.That(refused.TryGetMetadata(MetadataName.RetryAfter, out var wait)).IsTrue();
        await Assert.That(wait).IsEqualTo(TimeSpan.FromMilliseconds(200));

        // Another address has its own bucket; an exempt path is never counted.
        using var other = limiter.AttemptAcquire(From("10.0.0.2"));
        await Assert.That(other.IsAcquired).IsTrue();
        using var health = limiter.AttemptAcquire(From("10.0.0.1", "/api/health"));
        await Assert.That(health.IsAcquired).IsTrue();
    }

    [Test]
    public async Task The_bucket_refills_with_the_clock_and_holds_no_more_than_two_seconds_worth()
    {
        var time = new FakeTimeProvider();
        using var limiter = Limiter(time);
        for (var i = 0; i < 10; i++) limiter.AttemptAcquire(From("10.0.0.1")).Dispose();

        time.Advance(TimeSpan.FromMilliseconds(400)); // two permits at five a second
        for (var i = 0; i < 2; i++)
        {
            using var lease = limiter.AttemptAcquire(From("10.0.0.1"));
            await Assert.That(lease.IsAcquired).IsTrue();
        }

        using (var refused = limiter.AttemptAcquire(From("10.0.0.1")))
        {
            await Assert.That(refused.IsAcquired).IsFalse();
        }

        time.Advance(TimeSpan.FromMinutes(1)); // a long silence fills the bucket to ten, not to three hundred
        var granted = 0;
        for (var i = 0; i < 20; i++)
        {
            using var lease = limiter.AttemptAcquire(From("10.0.0.1"));
            if (lease.IsAcquired) granted++;
        }

        await Assert.That(granted).IsEqualTo(10);
    }
}

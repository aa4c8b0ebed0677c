using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace VisionFlow.Server.Security;

/// <summary>
/// Per-client token buckets; <c>/api/health</c> and its probes are exempt so a flood never hides whether the process is
/// alive (an orchestrator would restart a healthy process whose liveness probe got 429), and so are the viewer's files:
/// served from memory (mostly as 304), and one page load asks for some thirty modules, which a low limit would refuse.
/// </summary>
/// <remarks>
/// Our own middleware and buckets (<see cref="ClientRateLimiter"/>, refilled from the clock when asked), not ASP.NET's
/// <c>UseRateLimiter</c>: its middleware always makes a partitioned limiter for endpoint policies (none here) besides the
/// global one, and each runs a 100 ms heartbeat timer whether or not a request comes — ten timer firings a second, three
/// thread wake-ups each, on an idle box (issue 23, bench/README "Wake-ups at ten agents", round 6).
/// </remarks>
internal static class RateLimiting
{
    /// <summary>Refuses, with 429 and Retry-After, what a client asks beyond <paramref name="perSecond"/> (two seconds' worth at once).</summary>
    public static void Use(IApplicationBuilder app, int perSecond)
    {
        var limiter = new ClientRateLimiter(perSecond, IsExempt, TimeProvider.System);
        app.Use((context, next) =>
        {
            using var lease = limiter.AttemptAcquire(context);
            return lease.IsAcquired ? next(context) : RejectAsync(context, lease);
        });
    }

    private static bool IsExempt(HttpContext context) =>
        context.Request.Path.Value is "/api/health" or "/api/health/live" or "/api/health/ready"
        || Viewer.ViewerEndpoints.IsAsset(context.Request.Path.Value);

    private static Task RejectAsync(HttpContext context, RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
            : 1;
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return Results.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests",
            detail: $"Rate limit exceeded; retry after {retryAfter} s.").ExecuteAsync(context);
    }
}

using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace VisionFlow.Server.Security;

/// <summary>
/// Per-client token buckets; <c>/api/health</c> and its probes are exempt so a flood never hides whether the process is
/// alive (an orchestrator would restart a healthy process whose liveness probe got 429), and so are the viewer's files:
/// served from memory (mostly as 304), and one page load asks for some thirty modules, which a low limit would refuse.
/// The buckets refill from the clock when asked (<see cref="ClientRateLimiter"/>), not by a timer.
/// </summary>
internal static class RateLimiting
{
    public static void Configure(RateLimiterOptions options, int perSecond)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.GlobalLimiter = new ClientRateLimiter(perSecond, static context =>
            context.Request.Path.Value is "/api/health" or "/api/health/live" or "/api/health/ready"
            || Viewer.ViewerEndpoints.IsAsset(context.Request.Path.Value), TimeProvider.System);
        options.OnRejected = static (context, _) =>
        {
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
                : 1;
            context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            return new ValueTask(Results.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many requests",
                detail: $"Rate limit exceeded; retry after {retryAfter} s.").ExecuteAsync(context.HttpContext));
        };
    }
}

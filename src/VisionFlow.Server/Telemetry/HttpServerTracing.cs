using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VisionFlow.Server.Telemetry;

/// <summary>
/// One server span per HTTP request while something listens to <see cref="ServerTelemetry.ActivitySource"/> (OTLP
/// tracing switched on): named <c>{method} {route}</c>, with OpenTelemetry's HTTP attributes, continuing a W3C
/// <c>traceparent</c> sent by the caller. MCP calls the request makes are its children. Without a listener a request
/// pays one check.
/// </summary>
/// <remarks>
/// Probes and scrapes (<c>/metrics</c>, <c>/api/health</c>, <c>/api/health/live</c>, <c>/api/health/ready</c>: the image's
/// HEALTHCHECK, Kubernetes, Prometheus) are not traced: they arrive on a timer and would bury the requests people look
/// for. They are still counted by the HTTP metrics.
/// </remarks>
internal static class HttpServerTracing
{
    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!ServerTelemetry.ActivitySource.HasListeners() || IsProbe(context.Request.Path))
        {
            return next(context);
        }

        return TraceAsync(context, next);
    }

    private static async Task TraceAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        // ASP.NET Core's own request activity, when something enabled it, already carries the caller's context.
        var parent = Activity.Current is null
            && request.Headers.TryGetValue("traceparent", out var traceparent)
            && ActivityContext.TryParse(traceparent, request.Headers["tracestate"], isRemote: true, out var remote)
                ? remote
                : default;
        using var span = ServerTelemetry.ActivitySource.StartActivity(ActivityKind.Server, parent, name: request.Method);
        if (span is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (span.IsAllDataRequested)
        {
            span.SetTag("http.request.method", request.Method);
            span.SetTag("url.scheme", request.Scheme);
            span.SetTag("url.path", request.Path.Value);
            span.SetTag("network.protocol.version", ProtocolVersion(request.Protocol));
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            span.SetTag("error.type", ex.GetType().FullName);
            span.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            if (route is not null)
            {
                span.DisplayName = $"{request.Method} {route}";
                span.SetTag("http.route", route);
            }

            var status = context.Response.StatusCode;
            span.SetTag("http.response.status_code", status);
            // OpenTelemetry's HTTP conventions: for a server, only a 5xx is the server's error. An endpoint that knew why
            // (an MCP failure, named by the failure classifier) has already set error.type.
            if (status >= 500 && span.Status != ActivityStatusCode.Error)
            {
                if (span.GetTagItem("error.type") is null)
                {
                    span.SetTag("error.type", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                span.SetStatus(ActivityStatusCode.Error);
            }
        }
    }

    private static bool IsProbe(PathString path) =>
        path.Equals("/metrics", StringComparison.Ordinal)
        || path.Equals("/api/health", StringComparison.Ordinal)
        || path.Equals("/api/health/live", StringComparison.Ordinal)
        || path.Equals("/api/health/ready", StringComparison.Ordinal);

    private static string ProtocolVersion(string protocol) => protocol switch
    {
        "HTTP/1.1" => "1.1",
        "HTTP/2" => "2",
        "HTTP/1.0" => "1.0",
        "HTTP/3" => "3",
        _ => protocol,
    };
}

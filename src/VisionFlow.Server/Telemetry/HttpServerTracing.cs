using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VisionFlow.Server.Telemetry;

/// <summary>
/// One server span per HTTP request while something listens to <see cref="ServerTelemetry.ActivitySource"/> (OTLP
/// tracing switched on): named <c>{method} {route}</c>, with OpenTelemetry's HTTP attributes, continuing a W3C
/// <c>traceparent</c> sent by the caller (and its sampling decision), or starting a trace when there is none. MCP calls
/// the request makes are its children. Without a listener a request pays one check.
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
        var hosting = Activity.Current;
        ActivityContext parent;
        if (hosting is not null && hosting.Source.HasListeners())
        {
            // ASP.NET Core's request activity, recorded by someone (its instrumentation): it carries the caller's context.
            parent = hosting.Context;
        }
        else if (request.Headers.TryGetValue("traceparent", out var traceparent)
            && ActivityContext.TryParse(traceparent, request.Headers["tracestate"], isRemote: true, out var remote))
        {
            // The caller's context, its sampled flag included: parent-based sampling follows the caller's decision.
            parent = remote;
        }
        else
        {
            // A trace of its own. ASP.NET Core starts a request activity that nobody records whenever logging is on; left
            // current, it would be this span's parent, and parent-based sampling (the SDK's default) drops the child of
            // an unrecorded parent: a request without a sampled traceparent (curl, the viewer) was never exported.
            parent = default;
            Activity.Current = null;
        }

        using var span = ServerTelemetry.ActivitySource.StartActivity(ActivityKind.Server, parent, name: request.Method);
        if (span is null)
        {
            // Not sampled: what the request calls stays under the request's own activity, as without tracing.
            Activity.Current = hosting;
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

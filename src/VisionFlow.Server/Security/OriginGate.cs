using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

using VisionFlow.Server.Configuration;

namespace VisionFlow.Server.Security;

/// <summary>
/// Refuses a browser's cross-site use of the service: a request whose <c>Origin</c> is neither the service's own nor
/// configured (<c>VISIONFLOW_ALLOWED_ORIGINS</c>) gets 403 on the <c>/ws</c> upgrade and on every write (POST, PUT,
/// PATCH, DELETE). Browsers attach the viewer's session cookie to such requests by themselves and a WebSocket upgrade
/// is exempt from CORS, so without this a foreign page could read the stream or steer the swarm with the user's
/// cookie; <c>SameSite=Strict</c> alone does not cover same-site subdomains or a service with no key at all.
/// Requests without <c>Origin</c> (curl, scripts, other services) and requests that present the API key in a header
/// (which a foreign page cannot know) pass.
/// </summary>
internal sealed class OriginGate(IReadOnlyList<string> allowed, ApiKeyVerifier? verifier, ILogger logger)
{
    private const int MaxShownOrigin = 200;

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var origin = request.Headers.Origin;
        if (origin.Count == 0 || !IsGuarded(request) || IsAllowed(origin.ToString(), request) || HasHeaderKey(request))
        {
            return next(context);
        }

        var shown = origin.ToString();
        if (shown.Length > MaxShownOrigin)
        {
            shown = shown[..MaxShownOrigin] + "…";
        }

        // Logged, because the browser shows the operator only a failed upgrade: behind a TLS-terminating proxy the
        // public origin differs from what this service sees, and this line says which origin to allow.
        SecurityLog.ForeignOriginRefused(logger, request.Method, request.Path.Value ?? "/", shown, Origins.OfRequest(request) ?? "(no Host)");
        return Results.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Foreign origin refused",
            detail: $"A page from '{shown}' may not use this service with the browser's credentials; add the origin to VISIONFLOW_ALLOWED_ORIGINS if it is yours.")
            .ExecuteAsync(context);
    }

    private static bool IsGuarded(HttpRequest request) =>
        request.Path.Equals("/ws", StringComparison.Ordinal)
        || HttpMethods.IsPost(request.Method)
        || HttpMethods.IsPut(request.Method)
        || HttpMethods.IsPatch(request.Method)
        || HttpMethods.IsDelete(request.Method);

    private bool IsAllowed(string header, HttpRequest request)
    {
        if (Origins.Parse(header) is not { } origin)
        {
            // "null" (sandboxed frames, file://) and anything unparsable is nobody's origin.
            return false;
        }

        return string.Equals(origin, Origins.OfRequest(request), StringComparison.Ordinal) || allowed.Contains(origin, StringComparer.Ordinal);
    }

    private bool HasHeaderKey(HttpRequest request) => verifier is not null && ApiKeyGate.PresentsHeaderKey(request, verifier);
}

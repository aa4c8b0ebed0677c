using Microsoft.AspNetCore.Http;

namespace VisionFlow.Server.Security;

/// <summary>
/// Requires the configured API key on every endpoint except health (and its probes), the viewer's static files and the
/// session login.
/// Accepted as <c>Authorization: Bearer</c>, <c>X-Api-Key</c>, or the <c>vf_session</c> cookie the viewer gets after
/// entering the key (browsers cannot set headers on a WebSocket upgrade, so the cookie is what protects <c>/ws</c>).
/// </summary>
internal static class ApiKeyGate
{
    public const string CookieName = "vf_session";

    public static Task InvokeAsync(HttpContext context, RequestDelegate next, ApiKeyVerifier verifier, SessionStore sessions)
    {
        if (IsOpen(context.Request) || IsAuthorized(context.Request, verifier, sessions))
        {
            return next(context);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"visionflow\"";
        return Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "API key required",
            detail: "Send the key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>', or log in at POST /api/session.")
            .ExecuteAsync(context);
    }

    private static bool IsOpen(HttpRequest request)
    {
        var path = request.Path.Value ?? "/";
        return ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
                   && (path is "/api/health" or "/api/health/live" or "/api/health/ready" || Viewer.ViewerEndpoints.IsAsset(path)))
               || (HttpMethods.IsPost(request.Method) && path == "/api/session");
    }

    /// <summary>True when the request carries the key itself (Bearer or X-Api-Key), which only its owner can send.</summary>
    public static bool PresentsHeaderKey(HttpRequest request, ApiKeyVerifier verifier)
    {
        var auth = request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && verifier.Matches(auth[7..].Trim()))
        {
            return true;
        }

        return verifier.Matches(request.Headers["X-Api-Key"].ToString());
    }

    private static bool IsAuthorized(HttpRequest request, ApiKeyVerifier verifier, SessionStore sessions) =>
        PresentsHeaderKey(request, verifier) || sessions.IsValid(request.Cookies[CookieName]);
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VisionFlow.Server.Api;

namespace VisionFlow.Server.Security;

/// <summary>Maps <c>POST /api/session</c> (exchange the API key for an HttpOnly cookie) and <c>DELETE /api/session</c>.</summary>
internal static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        // Named methods with a service parameter: the request delegate generator needs explicit return types, and a
        // lone HttpContext parameter would bind to the RequestDelegate overload, which discards the IResult.
        app.MapPost("/api/session", LoginAsync);
        app.MapDelete("/api/session", Logout);
        return app;
    }

    private static async Task<IResult> LoginAsync(HttpContext context, SessionStore sessions)
    {
        var read = await JsonBody.ReadAsync(context, SecurityJsonContext.Default.SessionRequest).ConfigureAwait(false);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        if (context.RequestServices.GetService<ApiKeyVerifier>() is not { } verifier)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No API key configured",
                detail: "This server runs without VISIONFLOW_API_KEY; no session is needed.");
        }

        if (read.Value!.Key is not { Length: > 0 } key)
        {
            return JsonBody.Bad("field \"key\" is required: send {\"key\": \"<the VISIONFLOW_API_KEY value>\"}");
        }

        if (!verifier.Matches(key))
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Wrong API key");
        }

        context.Response.Cookies.Append(ApiKeyGate.CookieName, sessions.Create(), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            MaxAge = SessionStore.Lifetime,
        });
        return Results.NoContent();
    }

    private static IResult Logout(HttpContext context, SessionStore sessions)
    {
        sessions.Revoke(context.Request.Cookies[ApiKeyGate.CookieName]);
        context.Response.Cookies.Delete(ApiKeyGate.CookieName);
        return Results.NoContent();
    }
}

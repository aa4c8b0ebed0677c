using Microsoft.AspNetCore.Http;

namespace VisionFlow.Server.Api;

/// <summary>Writes a cached <see cref="AgentsBody"/> and lets go of it once written (or the client went away).</summary>
internal sealed class AgentsBodyResult(AgentsBody body) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        try
        {
            var response = httpContext.Response;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body.Json).ConfigureAwait(false);
        }
        finally
        {
            body.Release();
        }
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VisionFlow.Server.Viewer;

/// <summary>Serves the built-in viewer from resources embedded in the binary.</summary>
internal static class ViewerEndpoints
{
    private const string Csp = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapViewerEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var (route, resource, contentType) in new[]
                 {
                     ("/", "viewer/index.html", "text/html; charset=utf-8"),
                     ("/viewer.js", "viewer/viewer.js", "text/javascript; charset=utf-8"),
                     ("/viewer.css", "viewer/viewer.css", "text/css; charset=utf-8"),
                 })
        {
            var asset = Load(route, resource, contentType);
            app.MapGet(route, (HttpContext context) => Serve(context, asset));
        }

        return app;
    }

    private static ViewerAsset Load(string route, string resource, string contentType)
    {
        using var stream = typeof(ViewerEndpoints).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"viewer resource '{resource}' is missing from the binary");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        var etag = "\"" + Fnv1a64(bytes).ToString("x16", System.Globalization.CultureInfo.InvariantCulture) + "\"";
        return new ViewerAsset(route, contentType, bytes, etag);
    }

    // A content hash, not a security boundary: FNV-1a keeps the binary independent of OpenSSL (SHA-256 on Linux goes
    // through libssl, which the FROM-scratch image does not carry).
    private static ulong Fnv1a64(ReadOnlySpan<byte> data)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in data)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    private static IResult Serve(HttpContext context, ViewerAsset asset)
    {
        var headers = context.Response.Headers;
        headers.ETag = asset.ETag;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = Csp;
        headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }
}

using System.Collections.Frozen;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VisionFlow.Server.Viewer;

/// <summary>
/// Serves the built-in viewer from resources embedded in the binary: <c>index.html</c> at <c>/</c>, the style sheet at
/// its path, and the ES modules of <c>wwwroot/js</c> through one route per folder (<c>/js/{module}</c>,
/// <c>/js/panels/{module}</c>), so a new module needs no change here. The modules are served as they are in the source
/// tree: no build step.
/// </summary>
internal static class ViewerEndpoints
{
    private const string Csp = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";
    private const string ResourcePrefix = "viewer/";
    private const string ModuleExtension = ".js";

    // Named once, on first use (startup maps them); each file's bytes are read on its first request (ViewerAsset).
    private static readonly FrozenDictionary<string, ViewerAsset> Assets = LoadAll(typeof(ViewerEndpoints).Assembly);

    /// <summary>Whether a request path is one of the viewer's files, which the API key gate and the rate limiter let through.</summary>
    public static bool IsAsset(string? path) => path is not null && Assets.ContainsKey(path);

    /// <summary>The path of every file the viewer serves.</summary>
    public static IEnumerable<string> Routes => Assets.Keys;

    public static IEndpointRouteBuilder MapViewerEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var asset in Assets.Values.Where(a => !a.Path.EndsWith(ModuleExtension, StringComparison.Ordinal)))
        {
            app.MapGet(asset.Path, (HttpContext context) => Serve(context, asset));
        }

        // One route per folder of modules (each documented in openapi.json), not one per module.
        foreach (var folder in Assets.Keys.Where(p => p.EndsWith(ModuleExtension, StringComparison.Ordinal)).Select(p => p[..(p.LastIndexOf('/') + 1)]).Distinct())
        {
            app.MapGet(folder + "{module}", (HttpContext context, string module) =>
                Assets.TryGetValue(folder + module, out var asset) ? Serve(context, asset) : Results.NotFound());
        }

        return app;
    }

    private static FrozenDictionary<string, ViewerAsset> LoadAll(Assembly assembly)
    {
        var assets = new Dictionary<string, ViewerAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            // The csproj names each file after its path under wwwroot (MSBuild's RecursiveDir: '\' on Windows).
            var file = resource[ResourcePrefix.Length..].Replace('\\', '/');
            var route = file == "index.html" ? "/" : "/" + file;
            assets.Add(route, new ViewerAsset(assembly, resource, route, ContentTypeOf(file)));
        }

        if (!assets.ContainsKey("/"))
        {
            throw new InvalidOperationException("the viewer's index.html is missing from the binary");
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    // A module script is refused unless it comes with a JavaScript type (and nosniff, which every answer here sends);
    // text/javascript is the HTML standard's one type for classic scripts and modules alike.
    private static string ContentTypeOf(string file) => Path.GetExtension(file) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => throw new InvalidOperationException($"viewer file '{file}' has no content type: add its extension to {nameof(ViewerEndpoints)}"),
    };

    // no-cache: a browser keeps each file but asks again every load, and gets 304 while its ETag matches, so a new binary
    // is never mixed with modules cached from an old one (the modules' URLs carry no version).
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

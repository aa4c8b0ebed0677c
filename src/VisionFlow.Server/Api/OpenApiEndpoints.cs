using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VisionFlow.Server.Api;

/// <summary>
/// Serves the OpenAPI 3.1 document embedded in the binary. It is written by hand (the generator packages need
/// reflection or add megabytes); a test checks that every mapped route and method is in it, so it cannot drift.
/// </summary>
internal static class OpenApiEndpoints
{
    private static readonly Lazy<byte[]> Document = new(() =>
    {
        using var stream = typeof(OpenApiEndpoints).Assembly.GetManifestResourceStream("openapi.json")
            ?? throw new InvalidOperationException("openapi.json is missing from the binary");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    });

    public static IEndpointRouteBuilder MapOpenApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapGet("/openapi.json", static () => Results.Bytes(Document.Value, "application/json"));
        return app;
    }
}

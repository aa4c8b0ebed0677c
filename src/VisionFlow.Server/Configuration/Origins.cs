using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace VisionFlow.Server.Configuration;

/// <summary>
/// Web origins as RFC 6454 compares them: scheme, host and port, with the scheme's default port filled in, so
/// <c>https://box</c> and <c>https://box:443</c> are the same origin and <c>http://box:8080</c> is not <c>https://box:8080</c>.
/// </summary>
internal static class Origins
{
    /// <summary>The canonical <c>scheme://host:port</c> form (lower case, explicit port).</summary>
    public static string Normalize(Uri uri) =>
        string.Create(CultureInfo.InvariantCulture, $"{uri.Scheme.ToLowerInvariant()}://{uri.Host.ToLowerInvariant()}:{uri.Port}");

    /// <summary>The origin this request was addressed to: its scheme and its Host header.</summary>
    public static string? OfRequest(HttpRequest request)
    {
        var scheme = request.Scheme;
        var host = request.Host;
        if (!host.HasValue)
        {
            return null;
        }

        return Uri.TryCreate($"{scheme}://{host.Value}", UriKind.Absolute, out var uri) ? Normalize(uri) : null;
    }

    /// <summary>The normalised value of an <c>Origin</c> header, or null when it is not a usable origin (<c>null</c>, garbage).</summary>
    public static string? Parse(string header) =>
        Uri.TryCreate(header, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host)
            ? Normalize(uri)
            : null;
}

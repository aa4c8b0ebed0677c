using System.Net;
using System.Net.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using VisionFlow.Server.Security;

namespace VisionFlow.Server.Hosting;

/// <summary>
/// Binds Kestrel to the configured URLs the way its own URL binding does (<c>localhost</c> = both loopbacks, an IP
/// literal = that address, any other host = every address), with TLS on the https ones. Explicit endpoints instead of
/// <c>UseUrls</c>, because HTTPS then takes a per-handshake callback that hands out the current (reloadable)
/// certificate with its chain, and the configuration-driven HTTPS loader stays out of the trimmed binary.
/// </summary>
internal static class ListenEndpoints
{
    public static void Configure(KestrelServerOptions kestrel, IReadOnlyList<string> urls, ServerCertificate? certificate)
    {
        foreach (var url in urls)
        {
            var uri = new Uri(url);
            Action<ListenOptions> configure = _ => { };
            if (uri.Scheme == Uri.UriSchemeHttps)
            {
                var served = certificate ?? throw new InvalidOperationException($"{url} is https but no TLS certificate is configured");
                configure = listen => listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = served.Current,
                    }),
                });
            }

            var host = uri.Host.Trim('[', ']');
            if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                kestrel.ListenLocalhost(uri.Port, configure);
            }
            else if (IPAddress.TryParse(host, out var address))
            {
                kestrel.Listen(address, uri.Port, configure);
            }
            else
            {
                kestrel.ListenAnyIP(uri.Port, configure);
            }
        }
    }
}

using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using VisionFlow.Server.Configuration;

namespace VisionFlow.Server.Cli;

/// <summary>
/// <c>visionflow healthcheck</c>: one raw HTTP/1.1 GET of <c>/api/health</c> on the first configured address (over TLS
/// when it is https), so a minimal container image needs no curl. Exit 0 on 200, 1 otherwise, with one line saying why.
/// </summary>
internal static class HealthProbe
{
    public static async Task<int> RunAsync(ServerOptions options)
    {
        var uri = new Uri(options.Urls[0]);
        // A wildcard bind address is not something to connect to; probe loopback on the same port.
        var host = uri.Host is "0.0.0.0" or "[::]" or "*" or "+" ? "127.0.0.1" : uri.Host.Trim('[', ']');
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            using var client = new TcpClient();
            await client.ConnectAsync(host, uri.Port, cts.Token).ConfigureAwait(false);
            Stream stream = client.GetStream();
            if (uri.Scheme == Uri.UriSchemeHttps)
            {
                // The instance's own certificate is not checked: this asks whether the process on this box answers,
                // it sends nothing secret, and a self-signed or IP-less certificate must not make a healthy service unhealthy.
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    RemoteCertificateValidationCallback = static (_, _, _, _) => true,
                }, cts.Token).ConfigureAwait(false);
                stream = tls;
            }

            var request = Encoding.ASCII.GetBytes($"GET /api/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(request, cts.Token).ConfigureAwait(false);
            var buffer = new byte[64];
            var n = await stream.ReadAtLeastAsync(buffer, 12, throwOnEndOfStream: false, cts.Token).ConfigureAwait(false);
            var status = Encoding.ASCII.GetString(buffer, 0, n);
            if (status.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
            {
                await Console.Out.WriteLineAsync($"healthy: {host}:{uri.Port}").ConfigureAwait(false);
                return 0;
            }

            await Console.Error.WriteLineAsync($"unhealthy: {host}:{uri.Port} answered '{status.Split('\r')[0]}'").ConfigureAwait(false);
            return 1;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            await Console.Error.WriteLineAsync($"unhealthy: {host}:{uri.Port}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}

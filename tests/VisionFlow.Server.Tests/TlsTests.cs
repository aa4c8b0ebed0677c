using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Hosting;
using VisionFlow.Tests;
using VisionFlow.Testing.Hosting;
using VisionFlow.Testing;

namespace VisionFlow.Server.Tests;

/// <summary>HTTPS with PEM files: served, used by wss:// and the session cookie, reloaded when the files change, refused when unusable.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vf-tls-").FullName;

    private string CertPath => Path.Combine(_folder, "tls.crt");

    private string KeyPath => Path.Combine(_folder, "tls.key");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Task<RunningServer> StartAsync(string? apiKey = null) => RunningServer.StartAsync(
        new ServerOptions { EnableMcp = false, TlsCertificatePath = CertPath, TlsKeyPath = KeyPath, ApiKey = apiKey, RateLimitPerSecond = 0 },
        runtime: false,
        https: true);

    [Test]
    public async Task Https_and_wss_are_served_with_the_configured_certificate()
    {
        var certificate = TestCertificate.Create("vf-test-a");
        certificate.WriteTo(CertPath, KeyPath);
        await using var server = await StartAsync();
        await Assert.That(server.Address.Scheme).IsEqualTo("https");
        await Assert.That(await PresentedThumbprintAsync(server.Address)).IsEqualTo(certificate.Thumbprint);

        using var health = await server.Http.GetAsync("/api/health");
        await Assert.That(health.StatusCode).IsEqualTo(HttpStatusCode.OK);

        using var ws = await StreamEndpointTests.ConnectAsync(server);
        await Assert.That(ws.State).IsEqualTo(WebSocketState.Open);
        await StreamEndpointTests.ReceiveTextAsync(ws, "hello");
    }

    [Test]
    public async Task The_session_cookie_is_secure_under_tls()
    {
        TestCertificate.Create("vf-test-cookie").WriteTo(CertPath, KeyPath);
        const string key = "0123456789abcdef-tls-key";
        await using var server = await StartAsync(apiKey: key);
        using var login = await server.Http.PostAsync("/api/session", new StringContent($"{{\"key\":\"{key}\"}}", Encoding.UTF8, "application/json"));
        await Assert.That(login.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        var cookie = login.Headers.GetValues("Set-Cookie").Single();
        await Assert.That(cookie.Split(';').Select(p => p.Trim().ToLowerInvariant())).Contains("secure");
    }

    [Test]
    public async Task Replacing_the_files_serves_the_new_certificate_to_new_connections()
    {
        var first = TestCertificate.Create("vf-test-first");
        first.WriteTo(CertPath, KeyPath);
        await using var server = await StartAsync();
        await Assert.That(await PresentedThumbprintAsync(server.Address)).IsEqualTo(first.Thumbprint);

        // Certificate then key, as a renewal tool writes them: in between the pair does not match and the reload
        // must keep serving the first certificate rather than fail handshakes.
        var second = TestCertificate.Create("vf-test-second");
        second.WriteTo(CertPath, KeyPath);

        string? seen = null;
        await Eventually.UntilAsync(
            async () =>
            {
                seen = await PresentedThumbprintAsync(server.Address);
                if (seen != second.Thumbprint)
                {
                    await Assert.That(seen).IsEqualTo(first.Thumbprint);
                }

                return seen == second.Thumbprint;
            },
            "the renewed certificate served",
            TimeSpan.FromSeconds(30),
            pollMilliseconds: 20,
            seen: () => seen ?? "nothing");
        await Assert.That(seen).IsEqualTo(second.Thumbprint);
        using var health = await server.Http.GetAsync("/api/health");
        await Assert.That(health.StatusCode).IsEqualTo(HttpStatusCode.OK);
    }

    [Test]
    public async Task A_garbage_or_mismatched_pair_fails_the_start_with_one_line()
    {
        File.WriteAllText(CertPath, "not a certificate");
        File.WriteAllText(KeyPath, "not a key");
        var options = new ServerOptions { Urls = ["https://127.0.0.1:0"], TlsCertificatePath = CertPath, TlsKeyPath = KeyPath };
        var garbage = await Assert.That(() => ServerHost.Build(options)).Throws<InvalidOperationException>();
        await Assert.That(garbage!.Message).StartsWith($"cannot load the TLS certificate {CertPath} with key {KeyPath}: ");
        await Assert.That(garbage.Message).DoesNotContain("\n");

        var a = TestCertificate.Create("vf-a");
        var b = TestCertificate.Create("vf-b");
        File.WriteAllText(CertPath, a.CertificatePem);
        File.WriteAllText(KeyPath, b.KeyPem);
        var mismatched = await Assert.That(() => ServerHost.Build(options)).Throws<InvalidOperationException>();
        await Assert.That(mismatched!.Message).StartsWith("cannot load the TLS certificate");
    }

    /// <summary>Opens a fresh TLS connection and returns the thumbprint of the certificate the server presented.</summary>
    private static async Task<string?> PresentedThumbprintAsync(Uri address)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, address.Port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
        });
        return tls.RemoteCertificate?.GetCertHashString();
    }
}

using System.Net;
using System.Net.WebSockets;
using VisionFlow.Tests;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>The trimmed binary serving TLS from PEM files: https, wss, its own healthcheck, and one-line refusals of bad setups.</summary>
public sealed class TlsServiceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vf-e2e-tls-").FullName;

    private string CertPath => Path.Combine(_folder, "tls.crt");

    private string KeyPath => Path.Combine(_folder, "tls.key");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task Serves_https_and_wss_with_the_configured_certificate_and_its_healthcheck_speaks_tls()
    {
        var certificate = TestCertificate.Create("vf-e2e");
        certificate.WriteTo(CertPath, KeyPath);
        await using var run = BinaryProcess.Start(["--urls", "https://127.0.0.1:0", "--tls-cert", CertPath, "--tls-key", KeyPath], new Dictionary<string, string> { ["ENABLE_MCP"] = "false" });
        var address = await run.WaitForListeningAsync(TimeSpan.FromSeconds(20));
        await Assert.That(address.Scheme).IsEqualTo("https");

        // Trust exactly the certificate the test made: the chain is self-signed, the identity is the thumbprint.
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.Thumbprint;
        using var http = new HttpClient(handler) { BaseAddress = address };
        using var health = await http.GetAsync("/api/health");
        await Assert.That(health.StatusCode).IsEqualTo(HttpStatusCode.OK);

        using var ws = new ClientWebSocket();
        ws.Options.RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.Thumbprint;
        await ws.ConnectAsync(new UriBuilder(address) { Scheme = "wss", Path = "/ws" }.Uri, CancellationToken.None);
        await Assert.That(ws.State).IsEqualTo(WebSocketState.Open);

        // The probe bounds itself at 3 s, as the image's HEALTHCHECK --timeout=3s does, and on a box at load 40-100 its own
        // start-up, OpenSSL's and the handshake's CPU can use that up ("unhealthy: …: The operation was canceled.").
        // Asked again then, as Docker retries (--retries=3); any other answer (a refused handshake, a bad status) fails at once.
        var attempts = new List<string>();
        var healthy = await VisionFlow.Testing.Eventually.FindAsync(
            async () =>
            {
                var (code, stdout, stderr) = await BinaryProcess.RunToEndAsync(["healthcheck", "--urls", address.ToString().TrimEnd('/')]);
                attempts.Add($"exit {code}: {string.Join(" | ", stdout.Concat(stderr))}");
                if (code != 0 && !(stderr.Count == 1 && stderr[0].Contains("cancel", StringComparison.OrdinalIgnoreCase)))
                {
                    throw new InvalidOperationException("the TLS healthcheck failed: " + attempts[^1]);
                }

                return code == 0 ? stdout : null;
            },
            "a healthy answer from the healthcheck over TLS", TimeSpan.FromSeconds(60), seen: () => string.Join("; ", attempts));
        await Assert.That(healthy.Single()).StartsWith("healthy");

        run.Terminate();
        await Assert.That(await run.WaitForExitAsync(TimeSpan.FromSeconds(10))).IsEqualTo(0);
    }

    [Test]
    public async Task Https_without_a_certificate_is_one_line_and_exit_code_2()
    {
        var (code, stdout, stderr) = await BinaryProcess.RunToEndAsync(["--urls", "https://127.0.0.1:0"]);
        await Assert.That(code).IsEqualTo(2);
        await Assert.That(stdout).IsEmpty();
        await Assert.That(stderr.Single()).Contains("VISIONFLOW_TLS_CERT");
    }

    [Test]
    public async Task Unusable_certificate_files_are_one_line_and_exit_code_2()
    {
        await File.WriteAllTextAsync(CertPath, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        await File.WriteAllTextAsync(KeyPath, "garbage");
        var (code, stdout, stderr) = await BinaryProcess.RunToEndAsync(
            ["--urls", "https://127.0.0.1:0", "--tls-cert", CertPath, "--tls-key", KeyPath], new Dictionary<string, string> { ["ENABLE_MCP"] = "false" });
        await Assert.That(code).IsEqualTo(2);
        await Assert.That(stdout).IsEmpty();
        await Assert.That(stderr.Single()).StartsWith($"visionflow: cannot build the service: cannot load the TLS certificate {CertPath} with key {KeyPath}: ");
    }
}

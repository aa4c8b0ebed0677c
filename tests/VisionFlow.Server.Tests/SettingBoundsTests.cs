using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Hosting;
using VisionFlow.Tests;

namespace VisionFlow.Server.Tests;

/// <summary>
/// Every setting <c>--help</c> accepts works: each is parsed at the edges of its documented range (its minimum and
/// maximum, or each of its choices) and the service is built and started with it and answers <c>/api/health</c>.
/// </summary>
[NotInParallel("setting-bounds")]
public sealed class SettingBoundsTests
{
    public static IEnumerable<Func<(string Env, string Value)>> Bounds()
    {
        foreach (var setting in Settings.All)
        {
            foreach (var value in setting.Bounds ?? [])
            {
                yield return () => (setting.Env, value);
            }
        }
    }

    [Test]
    public async Task Every_setting_documents_its_bounds()
    {
        foreach (var setting in Settings.All)
        {
            await Assert.That(setting.Bounds).IsNotNull().Because($"{setting.Env} must list the edges of '{setting.Accepted}'");
            await Assert.That(setting.Bounds!.Count).IsGreaterThan(0);
        }
    }

    [Test]
    [MethodDataSource(nameof(Bounds))]
    public async Task The_service_starts_with_a_setting_at_its_bound(string env, string value)
    {
        var vars = new Dictionary<string, string>
        {
            // Keep everything else off the network and quiet, unless it is the setting under test.
            ["CLAUDE_FLOW_HOST"] = "127.0.0.1",
            ["MCP_TCP_PORT"] = "9",
            ["VISIONFLOW_URLS"] = "http://127.0.0.1:0",
            ["VISIONFLOW_LOG_LEVEL"] = "warning",
            ["VISIONFLOW_PHYSICS_BACKEND"] = "cpu",
        };
        if (env == "PORT")
        {
            vars.Remove("VISIONFLOW_URLS"); // the explicit URL list would win over PORT
        }

        using var files = new TempFolder();
        // History goes to the test's own folder (never the user's state directory), unless it is the setting under test.
        vars["VISIONFLOW_HISTORY_DIR"] = Path.Combine(files.Path, "history");
        vars[env] = value == Settings.TestFolderToken ? Path.Combine(files.Path, "folder") : value;
        if (value == Settings.TestCertificateToken)
        {
            // A certificate setting works only with its key and an https address: the three go together.
            var certificate = TestCertificate.Create("bounds");
            var cert = Path.Combine(files.Path, "cert.pem");
            var key = Path.Combine(files.Path, "key.pem");
            certificate.WriteTo(cert, key);
            vars["VISIONFLOW_TLS_CERT"] = cert;
            vars["VISIONFLOW_TLS_KEY"] = key;
            vars["VISIONFLOW_URLS"] = "https://127.0.0.1:0";
        }

        if (!OptionsParser.TryParse([], key => vars.GetValueOrDefault(key), out var invocation, out var error))
        {
            throw new InvalidOperationException($"{env}={value} is documented as accepted but was refused: {error}");
        }

        var app = ServerHost.Build(invocation.Options);
        await using (app)
        {
            await app.StartAsync();
            try
            {
                var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                using var handler = new SocketsHttpHandler();
                handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
                using var http = new HttpClient(new VisionFlow.Testing.Contracts.ContractCheckingHandler(handler)) { BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), Timeout = VisionFlow.Testing.JsonPolling.DefaultTimeout };
                if (invocation.Options.ApiKey is { } key)
                {
                    http.DefaultRequestHeaders.Add("X-Api-Key", key);
                }

                using var health = await http.GetAsync("/api/health");
                await Assert.That((int)health.StatusCode).IsEqualTo(200);
            }
            finally
            {
                await app.StopAsync();
            }
        }
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("vf-bounds-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}

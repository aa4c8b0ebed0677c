using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using VisionFlow.Server.Configuration;
using VisionFlow.Testing.Hosting;

namespace VisionFlow.Server.Tests;

/// <summary>A foreign page cannot use the viewer's cookie or open the stream; same-origin pages and non-browser clients can.</summary>
public sealed class OriginTests
{
    private const string Key = "0123456789abcdef-origin-key";
    private const string Foreign = "https://evil.example";

    private static async Task<(RunningServer Server, string Cookie)> StartWithSessionAsync(ServerOptions? options = null)
    {
        var server = await RunningServer.StartAsync((options ?? new ServerOptions()) with { EnableMcp = false, ApiKey = Key, RateLimitPerSecond = 0 }, runtime: false);
        using var login = await server.Http.PostAsync("/api/session", new StringContent($"{{\"key\":\"{Key}\"}}", Encoding.UTF8, "application/json"));
        await Assert.That(login.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        return (server, login.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? cookie = null, string? origin = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    private static async Task<WebSocketException?> TryConnectAsync(RunningServer server, string? origin, string? cookie = null)
    {
        using var ws = new ClientWebSocket();
        if (origin is not null)
        {
            ws.Options.SetRequestHeader("Origin", origin);
        }

        if (cookie is not null)
        {
            ws.Options.SetRequestHeader("Cookie", cookie);
        }

        ws.Options.CollectHttpResponseDetails = true;
        try
        {
            await ws.ConnectAsync(new UriBuilder(server.Address) { Scheme = "ws", Path = "/ws" }.Uri, CancellationToken.None);
            await Assert.That(ws.State).IsEqualTo(WebSocketState.Open);
            return null;
        }
        catch (WebSocketException ex)
        {
            await Assert.That(ws.HttpStatusCode).IsEqualTo(HttpStatusCode.Forbidden);
            return ex;
        }
    }

    [Test]
    public async Task Stream_upgrade_from_a_foreign_origin_is_refused_even_with_the_session_cookie()
    {
        var (server, cookie) = await StartWithSessionAsync();
        await using (server)
        {
            await Assert.That(await TryConnectAsync(server, Foreign, cookie)).IsNotNull();
            await Assert.That(await TryConnectAsync(server, "null", cookie)).IsNotNull();
            // The viewer itself (same origin) and a client that sends no Origin still connect.
            await Assert.That(await TryConnectAsync(server, server.Address.GetLeftPart(UriPartial.Authority), cookie)).IsNull();
            await Assert.That(await TryConnectAsync(server, null, cookie)).IsNull();
        }
    }

    [Test]
    public async Task Stream_upgrade_from_a_foreign_origin_is_refused_without_an_api_key_too()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false }, runtime: false);
        await Assert.That(await TryConnectAsync(server, Foreign)).IsNotNull();
        await Assert.That(await TryConnectAsync(server, null)).IsNull();
    }

    [Test]
    public async Task Cookie_authenticated_writes_from_a_foreign_origin_get_a_403_problem()
    {
        var (server, cookie) = await StartWithSessionAsync();
        await using (server)
        {
            using var foreign = await server.Http.SendAsync(Request(HttpMethod.Delete, "/api/session", cookie, Foreign));
            await Assert.That(foreign.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
            await Assert.That(foreign.Content.Headers.ContentType!.MediaType).IsEqualTo("application/problem+json");
            using var problem = JsonDocument.Parse(await foreign.Content.ReadAsStringAsync());
            await Assert.That(problem.RootElement.GetProperty("title").GetString()).IsEqualTo("Foreign origin refused");
            await Assert.That(problem.RootElement.GetProperty("detail").GetString()).Contains("VISIONFLOW_ALLOWED_ORIGINS");

            using var spawn = Request(HttpMethod.Post, "/api/bots/agents", cookie, Foreign);
            spawn.Content = new StringContent("{\"type\":\"coder\"}", Encoding.UTF8, "application/json");
            using var spawned = await server.Http.SendAsync(spawn);
            await Assert.That(spawned.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);

            // Reads are not guarded (the browser keeps a cross-origin response from the page without CORS headers).
            using var read = await server.Http.SendAsync(Request(HttpMethod.Get, "/api/graph", cookie, Foreign));
            await Assert.That(read.StatusCode).IsEqualTo(HttpStatusCode.OK);

            // Same origin: the viewer's own logout works, and the session is really gone afterwards.
            using var own = await server.Http.SendAsync(Request(HttpMethod.Delete, "/api/session", cookie, server.Address.GetLeftPart(UriPartial.Authority)));
            await Assert.That(own.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
            using var after = await server.Http.SendAsync(Request(HttpMethod.Get, "/api/graph", cookie));
            await Assert.That(after.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
        }
    }

    [Test]
    public async Task Header_keys_and_configured_origins_pass_and_origins_compare_by_scheme_host_and_port()
    {
        var (server, cookie) = await StartWithSessionAsync(new ServerOptions { AllowedOrigins = ["https://viewer.example:8443"] });
        await using (server)
        {
            var address = server.Address;
            // Same host, other scheme or port: another origin.
            using var otherPort = await server.Http.SendAsync(Request(HttpMethod.Delete, "/api/session", cookie, $"http://127.0.0.1:{address.Port + 1}"));
            await Assert.That(otherPort.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
            using var otherScheme = await server.Http.SendAsync(Request(HttpMethod.Delete, "/api/session", cookie, $"https://127.0.0.1:{address.Port}"));
            await Assert.That(otherScheme.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
            using var allowedOtherPort = await server.Http.SendAsync(Request(HttpMethod.Delete, "/api/session", cookie, "https://viewer.example"));
            await Assert.That(allowedOtherPort.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);

            using var allowed = await server.Http.SendAsync(Request(HttpMethod.Delete, "/api/session", cookie, "https://viewer.example:8443"));
            await Assert.That(allowed.StatusCode).IsEqualTo(HttpStatusCode.NoContent);

            // A Bearer key is something a foreign page cannot have: an integration may send any Origin with it.
            // (Last: the client's cookie jar sends the session along, and this logout ends it.)
            using var bearer = Request(HttpMethod.Delete, "/api/session", origin: Foreign);
            bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            using var r1 = await server.Http.SendAsync(bearer);
            await Assert.That(r1.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        }
    }
}

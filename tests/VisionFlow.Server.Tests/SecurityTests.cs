using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using VisionFlow.Server.Configuration;
using VisionFlow.Testing.Hosting;

namespace VisionFlow.Server.Tests;

public sealed class SecurityTests
{
    private const string Key = "0123456789abcdef-test-key";

    private static Task<RunningServer> StartWithKey(int rate = 0) =>
        RunningServer.StartAsync(new ServerOptions { EnableMcp = false, ApiKey = Key, RateLimitPerSecond = rate });

    [Test]
    public async Task Without_the_key_everything_but_health_and_the_login_page_is_401()
    {
        await using var server = await StartWithKey();
        using var health = await server.Http.GetAsync("/api/health");
        await Assert.That(health.StatusCode).IsEqualTo(HttpStatusCode.OK);

        foreach (var path in new[] { "/ws", "/api/nope", "/api/bots/agents", "/metrics" })
        {
            using var response = await server.Http.GetAsync(path);
            await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
            await Assert.That(response.Headers.WwwAuthenticate.ToString()).Contains("Bearer");
        }

        var ws = new ClientWebSocket();
        var uri = new UriBuilder(server.Address) { Scheme = "ws", Path = "/ws" }.Uri;
        await Assert.That(async () => await ws.ConnectAsync(uri, CancellationToken.None)).Throws<WebSocketException>();
    }

    [Test]
    public async Task Bearer_and_header_keys_are_accepted_and_wrong_keys_are_not()
    {
        await using var server = await StartWithKey();
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/ws");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var r1 = await server.Http.SendAsync(bearer);
        await Assert.That(r1.StatusCode).IsEqualTo(HttpStatusCode.BadRequest); // past the gate: /ws wants an upgrade

        using var header = new HttpRequestMessage(HttpMethod.Get, "/ws");
        header.Headers.Add("X-Api-Key", Key);
        using var r2 = await server.Http.SendAsync(header);
        await Assert.That(r2.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/ws");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key + "x");
        using var r3 = await server.Http.SendAsync(wrong);
        await Assert.That(r3.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Session_cookie_unlocks_the_websocket_for_the_viewer()
    {
        await using var server = await StartWithKey();
        using var bad = await server.Http.PostAsync("/api/session", Json("{\"key\":\"nope\"}"));
        await Assert.That(bad.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);

        using var login = await server.Http.PostAsync("/api/session", Json($"{{\"key\":\"{Key}\"}}"));
        await Assert.That(login.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        var cookie = login.Headers.GetValues("Set-Cookie").Single();
        await Assert.That(cookie).Contains("httponly");
        await Assert.That(cookie).Contains("samesite=strict");

        var ws = new ClientWebSocket();
        ws.Options.SetRequestHeader("Cookie", cookie.Split(';')[0]);
        await ws.ConnectAsync(new UriBuilder(server.Address) { Scheme = "ws", Path = "/ws" }.Uri, CancellationToken.None);
        await Assert.That(ws.State).IsEqualTo(WebSocketState.Open);
        ws.Dispose();
    }

    [Test]
    [Arguments("text/plain", "{\"key\":\"x\"}", 415)]
    [Arguments("application/json", "{\"key\":", 400)]
    [Arguments("application/json", "", 400)]
    [Arguments("application/json", "null", 400)]
    [Arguments("application/json", "{\"key\":12}", 400)]
    [Arguments("application/json", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", 400)]
    public async Task Hostile_login_bodies_get_clear_problems(string contentType, string body, int status)
    {
        await using var server = await StartWithKey();
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await server.Http.PostAsync("/api/session", content);
        await Assert.That((int)response.StatusCode).IsEqualTo(status);
        await Assert.That(response.Content.Headers.ContentType!.MediaType).IsEqualTo("application/problem+json");
        await Assert.That(await response.Content.ReadAsStringAsync()).Contains("\"detail\"");
    }

    [Test]
    public async Task Oversized_body_is_413()
    {
        await using var server = await StartWithKey();
        using var response = await server.Http.PostAsync("/api/session", Json("{\"key\":\"" + new string('k', 100_000) + "\"}"));
        await Assert.That((int)response.StatusCode).IsEqualTo(413);
    }

    [Test]
    public async Task Flood_gets_429_with_retry_after_and_health_stays_up()
    {
        await using var server = await StartWithKey(rate: 5);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 40; i++)
        {
            // The key opens the API; the limiter counts what it lets through (not the viewer's files, which it exempts).
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/bots/status");
            request.Headers.Add("X-Api-Key", Key);
            var r = await server.Http.SendAsync(request);
            statuses.Add(r.StatusCode);
            if (r.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited ??= r;
            }
        }

        await Assert.That(statuses.Count(s => s == HttpStatusCode.TooManyRequests)).IsGreaterThan(0);
        await Assert.That(statuses.Count(s => s == HttpStatusCode.OK)).IsGreaterThanOrEqualTo(5);
        await Assert.That(limited!.Headers.RetryAfter).IsNotNull();
        using var health = await server.Http.GetAsync("/api/health");
        await Assert.That(health.StatusCode).IsEqualTo(HttpStatusCode.OK);
    }

    [Test]
    public async Task Secret_values_are_never_echoed_in_configuration_errors()
    {
        var ok = OptionsParser.TryParse(["--api-key", "short secret"], _ => null, out _, out var error);
        await Assert.That(ok).IsFalse();
        await Assert.That(error).DoesNotContain("short secret");
        await Assert.That(error).Contains("VISIONFLOW_API_KEY");
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}

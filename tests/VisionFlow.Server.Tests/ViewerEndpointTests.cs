using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using VisionFlow.Connections.Failures;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Viewer;
using VisionFlow.Testing.Hosting;

namespace VisionFlow.Server.Tests;

public sealed partial class ViewerEndpointTests
{
    [Test]
    [Arguments("/", "text/html", "<canvas id=\"graph\"")]
    [Arguments("/js/main.js", "text/javascript", "import * as stream from './stream.js'")]
    [Arguments("/js/stream.js", "text/javascript", "new WebSocket(")]
    [Arguments("/js/panels/agents.js", "text/javascript", "export function init(")]
    [Arguments("/viewer.css", "text/css", ".banner")]
    public async Task Viewer_files_are_served_from_the_binary(string path, string mediaType, string marker)
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false });
        using var response = await server.Http.GetAsync(path);
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(response.Content.Headers.ContentType!.MediaType).IsEqualTo(mediaType);
        await Assert.That(response.Content.Headers.ContentType!.CharSet).IsEqualTo("utf-8");
        await Assert.That(await response.Content.ReadAsStringAsync()).Contains(marker);
        await Assert.That(response.Headers.GetValues("Content-Security-Policy").Single()).Contains("script-src 'self'");
        // A module with any other type, or sniffed, is refused by the browser.
        await Assert.That(response.Headers.GetValues("X-Content-Type-Options").Single()).IsEqualTo("nosniff");
        await Assert.That(response.Headers.CacheControl!.NoCache).IsTrue();
    }

    [Test]
    public async Task Every_module_the_page_preloads_is_served_as_javascript_and_nothing_else_is_served()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false });
        var page = await server.Http.GetStringAsync("/");
        var modules = Preload().Matches(page).Select(m => m.Groups[1].Value).Append("/js/main.js").ToList();
        await Assert.That(modules.Count).IsGreaterThanOrEqualTo(20);
        foreach (var module in modules)
        {
            using var response = await server.Http.GetAsync(module);
            await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK).Because(module);
            await Assert.That(response.Content.Headers.ContentType!.MediaType).IsEqualTo("text/javascript").Because(module);
        }

        // The viewer's routes are exactly its files: the page, the style sheet and the modules.
        await Assert.That(ViewerEndpoints.Routes.Order(StringComparer.Ordinal).ToList())
            .IsEquivalentTo(modules.Append("/").Append("/viewer.css").Order(StringComparer.Ordinal).ToList());
        foreach (var missing in new[] { "/viewer.js", "/js/nope.js", "/js/panels/nope.js", "/js/panels" })
        {
            using var response = await server.Http.GetAsync(missing);
            await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.NotFound).Because(missing);
        }
    }

    [Test]
    public async Task Unchanged_files_answer_304_to_their_etag()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false });
        foreach (var path in new[] { "/", "/js/main.js", "/js/panels/banner.js" })
        {
            using var first = await server.Http.GetAsync(path);
            var etag = first.Headers.ETag!;
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.IfNoneMatch.Add(etag);
            using var second = await server.Http.SendAsync(request);
            await Assert.That(second.StatusCode).IsEqualTo(HttpStatusCode.NotModified).Because(path);

            using var stale = new HttpRequestMessage(HttpMethod.Get, path);
            stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0000000000000000\""));
            using var third = await server.Http.SendAsync(stale);
            await Assert.That(third.StatusCode).IsEqualTo(HttpStatusCode.OK).Because(path);
        }
    }

    [Test]
    public async Task Viewer_uses_no_external_resources()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false });
        foreach (var path in ViewerEndpoints.Routes)
        {
            var text = await server.Http.GetStringAsync(path);
            await Assert.That(text).DoesNotContain("http://").Because(path);
            await Assert.That(text).DoesNotContain("https://").Because(path);
        }
    }

    [Test]
    public async Task With_an_API_key_and_a_low_rate_limit_the_whole_viewer_still_loads()
    {
        // The page, its style sheet and some thirty modules: more requests than a bucket of 2 × 5 holds, none needing the key.
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false, ApiKey = "0123456789abcdef-test-key", RateLimitPerSecond = 5 });
        foreach (var path in ViewerEndpoints.Routes)
        {
            using var response = await server.Http.GetAsync(path);
            await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK).Because(path);
        }

        using var api = await server.Http.GetAsync("/api/bots/status");
        await Assert.That(api.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
    }

    /// <summary>
    /// The viewer words failures from the kind the server sends (failure.js), one line per kind. Every kind the classifier
    /// names has its line, and its phrase is <see cref="McpFailure.Phrase"/> word for word: the banner and the server's
    /// logs and problem details say the same thing.
    /// </summary>
    [Test]
    public async Task The_viewer_words_every_failure_kind_the_server_names_as_the_server_does()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false });
        var source = await server.Http.GetStringAsync("/js/failure.js");
        var words = FailureLine().Matches(source).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
        var kinds = Enum.GetValues<McpFailureKind>();
        foreach (var kind in kinds)
        {
            var name = FailureClassifier.Name(kind);
            await Assert.That(words.ContainsKey(name)).IsTrue().Because($"failure.js has no words for '{name}' ({kind})");
            await Assert.That(words[name]).IsEqualTo(new McpFailure(kind, string.Empty).Phrase).Because(name);
        }

        await Assert.That(words.Keys.Order(StringComparer.Ordinal).ToList())
            .IsEquivalentTo(kinds.Select(FailureClassifier.Name).Distinct().Order(StringComparer.Ordinal).ToList());
    }

    [GeneratedRegex("""<link rel="modulepreload" href="([^"]+)">""")]
    private static partial Regex Preload();

    [GeneratedRegex("""^  (\w+): \{ phrase: '([^']*)', remedy: """, RegexOptions.Multiline)]
    private static partial Regex FailureLine();
}

using System.Net;
using VisionFlow.Server.Configuration;
using VisionFlow.Testing.Hosting;

namespace VisionFlow.Server.Tests;

public sealed class ViewerEndpointTests
{
    [Test]
    [Arguments("/", "text/html", "<canvas id=\"graph\"")]
    [Arguments("/viewer.js", "text/javascript", "new WebSocket(")]
    [Arguments("/viewer.css", "text/css", ".banner")]
    public async Task Viewer_files_are_served_from_the_binary(string path, string mediaType, string marker)
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false });
        using var response = await server.Http.GetAsync(path);
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(response.Content.Headers.ContentType!.MediaType).IsEqualTo(mediaType);
        await Assert.That(await response.Content.ReadAsStringAsync()).Contains(marker);
        await Assert.That(response.Headers.GetValues("Content-Security-Policy").Single()).Contains("default-src 'self'");
    }

    [Test]
    public async Task Unchanged_files_answer_304_to_their_etag()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false });
        using var first = await server.Http.GetAsync("/viewer.js");
        var etag = first.Headers.ETag!;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/viewer.js");
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await server.Http.SendAsync(request);
        await Assert.That(second.StatusCode).IsEqualTo(HttpStatusCode.NotModified);
    }

    [Test]
    public async Task Viewer_uses_no_external_resources()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false });
        foreach (var path in new[] { "/", "/viewer.js", "/viewer.css" })
        {
            var text = await server.Http.GetStringAsync(path);
            await Assert.That(text).DoesNotContain("http://");
            await Assert.That(text).DoesNotContain("https://");
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using CsCheck;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Streaming;
using VisionFlow.Testing.Fuzzing;
using VisionFlow.Testing.Hosting;

namespace VisionFlow.Server.Tests;

/// <summary>Quick fuzz runs (the long ones are `./build.sh bench fuzz`): hostile input gets an answer, never an exception.</summary>
public sealed class FuzzTests
{
    [Test]
    public async Task Stream_control_parser_rejects_or_accepts_every_input_without_throwing()
    {
        var accepted = 0;
        var rejected = 0;
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            if (StreamControl.TryParse(bytes, 60, out var control, out var error))
            {
                if (control.Kind == StreamControlKind.SetRate && control.RateHz is < 1 or > 60)
                {
                    throw new InvalidOperationException("accepted an out-of-range rate");
                }

                accepted++;
            }
            else if (string.IsNullOrEmpty(error))
            {
                throw new InvalidOperationException("rejected without saying why");
            }
            else
            {
                rejected++;
            }
        }, iter: 20_000, threads: 1);

        var random = new Random(1234);
        for (var i = 0; i < 20_000; i++)
        {
            var input = HostileInputs.Next(random);
            if (!StreamControl.TryParse(input, 60, out _, out var error) && error.Length == 0)
            {
                throw new InvalidOperationException("rejected without saying why");
            }
        }

        await Assert.That(rejected).IsGreaterThan(0);
        await Assert.That(accepted + rejected).IsEqualTo(20_000);
    }

    [Test]
    public async Task Hostile_http_bodies_get_4xx_problems_and_the_server_stays_healthy()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false, ApiKey = "0123456789abcdef-test-key", RateLimitPerSecond = 0 });
        var random = new Random(42);
        var allowed = new HashSet<HttpStatusCode> { HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.NoContent, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType };
        for (var i = 0; i < 400; i++)
        {
            using var content = new ByteArrayContent(HostileInputs.Next(random));
            content.Headers.ContentType = new MediaTypeHeaderValue(i % 10 == 0 ? "text/plain" : "application/json");
            using var response = await server.Http.PostAsync("/api/session", content);
            if (!allowed.Contains(response.StatusCode))
            {
                throw new InvalidOperationException($"input {i} got {(int)response.StatusCode}");
            }
        }

        using var health = await server.Http.GetAsync("/api/health");
        await Assert.That(health.StatusCode).IsEqualTo(HttpStatusCode.OK);
    }
}

using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>The published binary as a running service: it listens, answers health, logs as asked and stops cleanly.</summary>
public sealed class ServiceTests
{
    private static readonly Dictionary<string, string> NoMcp = new() { ["ENABLE_MCP"] = "false" };

    [Test]
    public async Task Serves_health_and_stops_cleanly_on_sigterm()
    {
        await using var run = BinaryProcess.Start(["--port", "0"]);
        var address = await run.WaitForListeningAsync(TimeSpan.FromSeconds(20));
        await Assert.That(address.Host).IsEqualTo("127.0.0.1");

        using var http = new HttpClient { BaseAddress = address };
        using var response = await http.GetAsync("/api/health");
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        await Assert.That(doc.RootElement.GetProperty("service").GetString()).IsEqualTo("visionflow");
        await Assert.That(doc.RootElement.GetProperty("uptime_seconds").GetDouble()).IsGreaterThanOrEqualTo(0);
        var names = doc.RootElement.GetProperty("subsystems").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
        await Assert.That(names).Contains("http");
        await Assert.That(names).Contains("mcp");

        run.Terminate();
        await Assert.That(await run.WaitForExitAsync(TimeSpan.FromSeconds(10))).IsEqualTo(0);
    }

    [Test]
    public async Task Sigterm_with_a_stream_client_connected_closes_it_with_1001_and_exits_0_within_the_bound()
    {
        await using var run = BinaryProcess.Start(["--port", "0"], NoMcp);
        var address = await run.WaitForListeningAsync(TimeSpan.FromSeconds(20));
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new UriBuilder(address) { Scheme = "ws", Path = "/ws" }.Uri, CancellationToken.None);
        var buffer = new byte[1 << 16];
        using var receiving = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var hello = await ws.ReceiveAsync(buffer, receiving.Token);
        await Assert.That(hello.MessageType).IsEqualTo(WebSocketMessageType.Text);

        run.Terminate();
        // The acceptance bound is the default VISIONFLOW_SHUTDOWN_TIMEOUT (5 s); before the fix the stream kept the
        // host busy until its 30 s timeout and then reset the connection without a close frame.
        var exited = run.WaitForExitAsync(TimeSpan.FromSeconds(5));
        WebSocketReceiveResult result;
        do
        {
            result = await ws.ReceiveAsync(buffer, receiving.Token);
        }
        while (result.MessageType != WebSocketMessageType.Close);

        await Assert.That(ws.CloseStatus).IsEqualTo(WebSocketCloseStatus.EndpointUnavailable);
        await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await Assert.That(await exited).IsEqualTo(0);
        await Assert.That(run.Stderr).IsEmpty();
    }

    [Test]
    public async Task Json_log_format_writes_one_json_object_per_line()
    {
        await using var run = BinaryProcess.Start(["--port", "0", "--log-format", "json"], NoMcp);
        await run.WaitForListeningAsync(TimeSpan.FromSeconds(20));
        run.Terminate();
        await run.WaitForExitAsync(TimeSpan.FromSeconds(10));

        await Assert.That(run.Stdout.Count).IsGreaterThan(0);
        foreach (var line in run.Stdout)
        {
            using var doc = JsonDocument.Parse(line);
            await Assert.That(doc.RootElement.TryGetProperty("LogLevel", out _)).IsTrue();
        }
    }

    [Test]
    public async Task Port_in_use_is_a_clear_error_not_a_stack_trace()
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;

        var (code, _, stderr) = await BinaryProcess.RunToEndAsync(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], NoMcp);
        await Assert.That(code).IsEqualTo(1);
        await Assert.That(stderr.Count).IsEqualTo(1);
        await Assert.That(stderr[0]).Contains($"cannot listen on http://127.0.0.1:{port}");
    }

    [Test]
    public async Task Healthcheck_subcommand_reports_a_running_instance_and_a_dead_port()
    {
        await using var run = BinaryProcess.Start(["--port", "0"], NoMcp);
        var address = await run.WaitForListeningAsync(TimeSpan.FromSeconds(20));
        var port = address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (ok, stdout, _) = await BinaryProcess.RunToEndAsync(["healthcheck", "--port", port]);
        await Assert.That(ok).IsEqualTo(0);
        await Assert.That(stdout.Single()).StartsWith("healthy");

        run.Terminate();
        await run.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var (dead, _, stderr) = await BinaryProcess.RunToEndAsync(["healthcheck", "--port", port]);
        await Assert.That(dead).IsEqualTo(1);
        await Assert.That(stderr.Single()).StartsWith("unhealthy");
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using VisionFlow.Agents;
using VisionFlow.Agents.Intake;
using VisionFlow.Connections.Link;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Testing;

namespace VisionFlow.Interop.Tests;

/// <summary>
/// OpenTelemetry's MCP conventions on our wire: a traced tools/call carries its client span's trace context in
/// <c>params._meta</c>; a background call (polls) carries none. Checked on what a real socket received from the link.
/// </summary>
[NotInParallel("trace-context")]
public sealed class TraceContextTests
{
    private static readonly ActivitySource Caller = new("VisionFlow.Tests.TraceContext");

    [Test]
    public async Task A_traced_tool_call_carries_the_client_spans_traceparent_in_meta_and_polls_carry_none()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "VisionFlow.Connections" or "VisionFlow.Tests.TraceContext",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = RecordingMcpServer.Start();
        var link = new McpLink(new McpLinkOptions { Host = "127.0.0.1", Port = server.Port, ClientVersion = "trace-test" });
        var intake = new TelemetryIntake(new AgentTelemetryOptions(), TimeProvider.System, link.Sessions);
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(() => intake.RunAsync(stop.Token));
        await using (link)
        {
            link.Start();
            await Eventually.UntilAsync(() => link.Status.State == McpLinkState.Connected, "the session", TimeSpan.FromSeconds(30), pollMilliseconds: 10);

            string traceId, requestSpan;
            using (var request = Caller.StartActivity("POST /api/bots/agents", ActivityKind.Server)!)
            {
                request.TraceStateString = "vendor=opaque";
                traceId = request.TraceId.ToHexString();
                requestSpan = request.SpanId.ToHexString();
                await link.ExecuteAsync((c, t) => c.SpawnAgentAsync(new AgentSpawnRequest("coder"), t), CancellationToken.None, changesState: true);
            }

            var spawn = server.Calls("agent_spawn").Single(c => c.GetProperty("arguments").TryGetProperty("agentType", out _));
            var meta = spawn.GetProperty("_meta");
            var traceparent = meta.GetProperty("traceparent").GetString()!;
            await Assert.That(traceparent).StartsWith($"00-{traceId}-");
            await Assert.That(meta.GetProperty("tracestate").GetString()).IsEqualTo("vendor=opaque");

            // The context is the client span's own (a child of the request), not the request's.
            await Assert.That(traceparent.Split('-')[2]).IsNotEqualTo(requestSpan);

            // The link's own background calls are not traced, so they carry no context.
            await Eventually.UntilAsync(() => server.Calls("agent_list").Count >= 2, "polls", TimeSpan.FromSeconds(30), pollMilliseconds: 10);
            foreach (var poll in server.Calls("agent_list"))
            {
                await Assert.That(poll.TryGetProperty("_meta", out _)).IsFalse();
            }
        }

        await stop.CancelAsync();
        await loop;
    }

    /// <summary>An MCP server on 127.0.0.1 that answers the handshake and a few tools, and keeps every tools/call's params.</summary>
    private sealed class RecordingMcpServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly ConcurrentQueue<(string Tool, JsonElement Params)> _calls = new();
        private readonly CancellationTokenSource _stop = new();
        private Task _accept = Task.CompletedTask;

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static RecordingMcpServer Start()
        {
            var server = new RecordingMcpServer();
            server._listener.Start();
            server._accept = server.AcceptAsync();
            return server;
        }

        /// <summary>The params of every tools/call of <paramref name="tool"/>, as received.</summary>
        public List<JsonElement> Calls(string tool) => [.. _calls.Where(c => c.Tool == tool).Select(c => c.Params)];

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await Task.WhenAny(_accept, Task.Delay(TimeSpan.FromSeconds(5)));
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using var _ = client;
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.UTF8);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            try
            {
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    using var doc = JsonDocument.Parse(line);
                    var m = doc.RootElement;
                    if (!m.TryGetProperty("id", out var id))
                    {
                        continue;
                    }

                    var method = m.GetProperty("method").GetString();
                    string? result = method switch
                    {
                        "initialize" => """{"protocolVersion":"2024-11-05","serverInfo":{"name":"recording","version":"1"},"capabilities":{"tools":{}}}""",
                        "tools/list" => """{"tools":[{"name":"agent_spawn","inputSchema":{"type":"object","properties":{"agentType":{"type":"string","enum":["coder"]}}}},{"name":"agent_list","inputSchema":{"type":"object","properties":{}}}]}""",
                        "tools/call" => Call(m.GetProperty("params")),
                        "ping" => "{}",
                        _ => null, // no telemetry.subscribe: the link polls, as with Claude Flow
                    };
                    await writer.WriteLineAsync(result is null
                        ? $"{{\"jsonrpc\":\"2.0\",\"id\":{id.GetRawText()},\"error\":{{\"code\":-32601,\"message\":\"Method not found: {method}\"}}}}"
                        : $"{{\"jsonrpc\":\"2.0\",\"id\":{id.GetRawText()},\"result\":{result}}}");
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }

        private string Call(JsonElement parameters)
        {
            var tool = parameters.GetProperty("name").GetString()!;
            _calls.Enqueue((tool, parameters.Clone()));
            var text = tool == "agent_spawn"
                ? """{\"success\":true,\"agentId\":\"agent-1\",\"agentType\":\"coder\",\"status\":\"registered\"}"""
                : """{\"agents\":[]}""";
            return $$"""{"content":[{"type":"text","text":"{{text}}"}]}""";
        }
    }
}

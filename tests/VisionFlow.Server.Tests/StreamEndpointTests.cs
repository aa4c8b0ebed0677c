using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Streaming;
using VisionFlow.Testing.Hosting;
using VisionFlow.Testing;

namespace VisionFlow.Server.Tests;

public sealed class StreamEndpointTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    internal static async Task<ClientWebSocket> ConnectAsync(RunningServer server)
    {
        var ws = new ClientWebSocket();
        ws.Options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        var uri = new UriBuilder(server.Address) { Scheme = server.Address.Scheme == "https" ? "wss" : "ws", Path = "/ws" }.Uri;
        await ws.ConnectAsync(uri, CancellationToken.None);
        return ws;
    }

    private static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync(ClientWebSocket ws)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var buffer = new byte[1 << 20];
        var length = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await ws.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), cts.Token);
            length += result.Count;
        }
        while (!result.EndOfMessage);
        return (result.MessageType, buffer[..length]);
    }

    internal static async Task<JsonElement> ReceiveTextAsync(ClientWebSocket ws, string type)
    {
        while (true)
        {
            var (kind, data) = await ReceiveAsync(ws);
            if (kind != WebSocketMessageType.Text)
            {
                continue;
            }

            var root = JsonDocument.Parse(data).RootElement;
            if (root.GetProperty("type").GetString() == type)
            {
                return root;
            }
        }
    }

    private static async Task<byte[]> ReceiveBinaryAsync(ClientWebSocket ws)
    {
        while (true)
        {
            var (kind, data) = await ReceiveAsync(ws);
            if (kind == WebSocketMessageType.Binary)
            {
                return data;
            }
        }
    }

    [Test]
    public async Task Hello_then_complete_frame_then_deltas()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false }, runtime: false);
        var hub = server.Services.GetRequiredService<NodeSnapshotHub>();
        using var ws = await ConnectAsync(server);

        var hello = await ReceiveTextAsync(ws, "hello");
        await Assert.That(hello.GetProperty("record_size").GetInt32()).IsEqualTo(28);
        await Assert.That(hello.GetProperty("agent_flag").GetUInt32()).IsEqualTo(0x80000000u);

        hub.Publish(StreamEncodingTests.Snapshot(7, 1, (1, 0, 0, 0), (0x80000002, 5, 5, 5)));
        // The session starts with the (empty) snapshot it found at connect; wait for the published topology.
        var topology = await ReceiveTextAsync(ws, "topology");
        while (topology.GetProperty("version").GetInt64() == 0)
        {
            topology = await ReceiveTextAsync(ws, "topology");
        }

        await Assert.That(topology.GetProperty("version").GetInt64()).IsEqualTo(7);
        await Assert.That(topology.GetProperty("nodes").GetInt32()).IsEqualTo(2);
        var complete = await ReceiveBinaryAsync(ws);
        await Assert.That(complete.Length).IsEqualTo(56);
        var ids = new[] { NodeFrameEncoder.ReadRecord(complete).Id, NodeFrameEncoder.ReadRecord(complete.AsSpan(28)).Id };
        await Assert.That(ids).IsEquivalentTo(new[] { 1u, 0x80000002u });

        hub.Publish(StreamEncodingTests.Snapshot(7, 2, (1, 0, 0, 0), (0x80000002, 9, 5, 5)));
        var delta = await ReceiveBinaryAsync(ws);
        await Assert.That(delta.Length).IsEqualTo(28);
        var moved = NodeFrameEncoder.ReadRecord(delta);
        await Assert.That(moved.Id).IsEqualTo(0x80000002u);
        await Assert.That(moved.X).IsEqualTo(9f);

        // Nodes come and go: the notice names those that went, the frame carries only the new one (node 1 did not move).
        hub.Publish(StreamEncodingTests.Snapshot(8, 3, (3, 2, 2, 2), (1, 0, 0, 0)));
        var changed = await ReceiveTextAsync(ws, "topology");
        await Assert.That(changed.GetProperty("version").GetInt64()).IsEqualTo(8);
        await Assert.That(changed.GetProperty("nodes").GetInt32()).IsEqualTo(2);
        await Assert.That(changed.GetProperty("removed").EnumerateArray().Select(e => e.GetUInt32()).ToArray()).IsEquivalentTo(new[] { 0x80000002u });
        var added = await ReceiveBinaryAsync(ws);
        await Assert.That(added.Length).IsEqualTo(28);
        await Assert.That(NodeFrameEncoder.ReadRecord(added).Id).IsEqualTo(3u);
    }

    [Test]
    public async Task Request_full_on_a_settled_graph_gets_a_complete_frame_without_a_new_snapshot()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false }, runtime: false);
        var hub = server.Services.GetRequiredService<NodeSnapshotHub>();
        using var ws = await ConnectAsync(server);
        await ReceiveTextAsync(ws, "hello");
        hub.Publish(StreamEncodingTests.Snapshot(3, 1, (1, 0, 0, 0), (2, 4, 4, 4)));
        var first = await ReceiveBinaryAsync(ws);
        await Assert.That(first.Length).IsEqualTo(56);

        // Nothing is published after this: the request alone must wake the session.
        await ws.SendAsync(Encoding.UTF8.GetBytes("{\"type\":\"request_full\"}"), WebSocketMessageType.Text, true, CancellationToken.None);
        var again = await ReceiveBinaryAsync(ws);
        await Assert.That(again.Length).IsEqualTo(56);
    }

    [Test]
    public async Task Control_messages_are_answered_and_bad_ones_do_not_close_the_stream()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false }, runtime: false);
        var hub = server.Services.GetRequiredService<NodeSnapshotHub>();
        using var ws = await ConnectAsync(server);
        await ReceiveTextAsync(ws, "hello");

        await ws.SendAsync(Encoding.UTF8.GetBytes("{\"type\":\"set_rate\",\"hz\":5}"), WebSocketMessageType.Text, true, CancellationToken.None);
        var rate = await ReceiveTextAsync(ws, "rate");
        await Assert.That(rate.GetProperty("hz").GetInt32()).IsEqualTo(5);

        await ws.SendAsync(Encoding.UTF8.GetBytes("{{{{ nope"), WebSocketMessageType.Text, true, CancellationToken.None);
        var error = await ReceiveTextAsync(ws, "error");
        await Assert.That(error.GetProperty("message").GetString()).Contains("not valid JSON");

        await ws.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        await ReceiveTextAsync(ws, "error");

        hub.Publish(StreamEncodingTests.Snapshot(1, 1, (1, 0, 0, 0)));
        var frame = await ReceiveBinaryAsync(ws);
        await Assert.That(frame.Length).IsEqualTo(28);
        await Assert.That(ws.State).IsEqualTo(WebSocketState.Open);
    }

    [Test]
    public async Task Oversized_control_message_closes_with_1009()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false }, runtime: false);
        using var ws = await ConnectAsync(server);
        await ReceiveTextAsync(ws, "hello");
        var big = Encoding.UTF8.GetBytes("{\"type\":\"set_rate\",\"pad\":\"" + new string('x', 10_000) + "\"}");
        await ws.SendAsync(big, WebSocketMessageType.Text, true, CancellationToken.None);
        while (true)
        {
            var (kind, _) = await ReceiveAsync(ws);
            if (kind == WebSocketMessageType.Close)
            {
                break;
            }
        }

        await Assert.That(ws.CloseStatus).IsEqualTo(WebSocketCloseStatus.MessageTooBig);
    }

    [Test]
    public async Task Degradation_notices_reach_connected_and_new_clients()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false }, runtime: false);
        var notices = server.Services.GetRequiredService<StreamNotices>();
        using var first = await ConnectAsync(server);
        await ReceiveTextAsync(first, "hello");
        await Eventually.UntilAsync(() => notices.ClientCount > 0, "the first client registered for notices", TimeSpan.FromSeconds(30), pollMilliseconds: 10);

        notices.PublishDegradation("emergency_mode", "MCP unavailable");
        var seen = await ReceiveTextAsync(first, "degradation");
        await Assert.That(seen.GetProperty("level").GetString()).IsEqualTo("emergency_mode");

        using var late = await ConnectAsync(server);
        var replayed = await ReceiveTextAsync(late, "degradation");
        await Assert.That(replayed.GetProperty("message").GetString()).IsEqualTo("MCP unavailable");
    }

    [Test]
    public async Task Plain_http_to_ws_is_a_400_problem()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false }, runtime: false);
        using var response = await server.Http.GetAsync("/ws");
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(response.Content.Headers.ContentType!.MediaType).IsEqualTo("application/problem+json");
    }
}

using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using VisionFlow.Protocol.Engine;
using VisionFlow.Testing;

namespace VisionFlow.Protocol.Tests;

public sealed class JsonRpcConnectionTests
{
    private static readonly TimeSpan Patience = Loopback.Patience;

    private static async Task<JsonElement> InvokeRawAsync(JsonRpcConnection c, string method, CancellationToken ct = default)
        => await c.InvokeAsync(method, TestJson.Default.JsonElement, ct);

    [Test]
    public async Task A_request_round_trips_through_a_loopback_pair()
    {
        var (client, server) = await Loopback.PairAsync(new(), new() { Dispatch = TestDispatch.Create() });
        await using var _ = client;
        await using var __ = server;
        var sum = await client.InvokeAsync("add", new AddParams(2, 3), TestJson.Default.AddParams, TestJson.Default.Int32, default).AsTask().WaitAsync(Patience);
        await Assert.That(sum).IsEqualTo(5);
        var echoed = await client.InvokeAsync("echo", new EchoPayload("hé", 7), TestJson.Default.EchoPayload, TestJson.Default.EchoPayload, default).AsTask().WaitAsync(Patience);
        await Assert.That(echoed).IsEqualTo(new EchoPayload("hé", 7));
        await Assert.That(client.Counters.MessagesOut).IsEqualTo(2);
        await Assert.That(client.Counters.MessagesIn).IsEqualTo(2);
        await Assert.That(server.Counters.RequestsIn).IsEqualTo(2);
        await Assert.That(client.Counters.PendingRequests).IsEqualTo(0);
    }

    [Test]
    public async Task Request_ids_are_strings_with_the_process_prefix_and_string_replies_correlate()
    {
        var (client, peer) = await Loopback.ClientWithRawPeerAsync();
        await using var _ = client;
        await using var __ = peer;
        var call = InvokeRawAsync(client, "system.ping");
        var (id, request) = await peer.ReadRequestAsync();
        await Assert.That(request.GetProperty("jsonrpc").GetString()).IsEqualTo("2.0");
        await Assert.That(request.GetProperty("method").GetString()).IsEqualTo("system.ping");
        await Assert.That(request.TryGetProperty("params", out JsonElement _)).IsFalse();
        await Assert.That(request.GetProperty("id").ValueKind).IsEqualTo(JsonValueKind.String);
        await Assert.That(request.GetProperty("id").GetString()!).StartsWith(JsonRpcConnection.RequestIdPrefix + "-");
        await peer.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":{{\"pong\":true}}}}\n");
        var result = await call.WaitAsync(Patience);
        await Assert.That(result.GetProperty("pong").GetBoolean()).IsTrue();
    }

    [Test]
    public async Task Numeric_ids_in_replies_are_accepted()
    {
        var (client, peer) = await Loopback.ClientWithRawPeerAsync();
        await using var _ = client;
        await using var __ = peer;
        var call = InvokeRawAsync(client, "m");
        var (_, request) = await peer.ReadRequestAsync();
        var number = request.GetProperty("id").GetString()!.Split('-')[1];
        await peer.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{number},\"result\":17}}\n");
        var result = await call.WaitAsync(Patience);
        await Assert.That(result.GetInt32()).IsEqualTo(17);
    }

    [Test]
    public async Task Out_of_order_responses_reach_their_own_callers()
    {
        var (client, peer) = await Loopback.ClientWithRawPeerAsync();
        await using var _ = client;
        await using var __ = peer;
        var calls = Enumerable.Range(0, 3).Select(i => InvokeRawAsync(client, "m" + i)).ToArray();
        var ids = new Dictionary<string, string>();
        for (var i = 0; i < 3; i++)
        {
            var (id, request) = await peer.ReadRequestAsync();
            ids[request.GetProperty("method").GetString()!] = id;
        }

        // Reverse order, all in one write.
        var reply = new StringBuilder();
        for (var i = 2; i >= 0; i--)
        {
            reply.Append($"{{\"jsonrpc\":\"2.0\",\"id\":{ids["m" + i]},\"result\":\"r{i}\"}}\n");
        }

        await peer.SendAsync(reply.ToString());
        for (var i = 0; i < 3; i++)
        {
            var r = await calls[i].WaitAsync(Patience);
            await Assert.That(r.GetString()).IsEqualTo("r" + i);
        }
    }

    [Test]
    public async Task A_caller_that_blocks_on_another_request_does_not_stall_the_read_loop()
    {
        var (client, peer) = await Loopback.ClientWithRawPeerAsync();
        await using var _ = client;
        await using var __ = peer;
        var call = Task.Run(async () =>
        {
            var first = await InvokeRawAsync(client, "first");

            // Sync-over-async where the first response was delivered: only a read loop that never runs callers answers this.
            var second = InvokeRawAsync(client, "second");
            return second.Wait(Patience) ? (first.GetInt32(), second.Result.GetInt32()) : throw new TimeoutException("the read loop stalled");
        });
        var (id1, _) = await peer.ReadRequestAsync();
        await peer.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id1},\"result\":1}}\n");
        var (id2, _) = await peer.ReadRequestAsync();
        await peer.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id2},\"result\":2}}\n");
        await Assert.That(await call.WaitAsync(Patience)).IsEqualTo((1, 2));
    }

    [Test]
    public async Task A_response_in_the_same_write_as_the_peer_closing_is_still_delivered()
    {
        var (client, peer) = await Loopback.ClientWithRawPeerAsync();
        await using var _ = client;
        await using var __ = peer;
        var call = InvokeRawAsync(client, "m");
        var (id, _) = await peer.ReadRequestAsync();
        await peer.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":7}}\n");
        peer.Close();
        var result = await call.WaitAsync(Patience);
        await Assert.That(result.GetInt32()).IsEqualTo(7);
        await client.Completion.WaitAsync(Patience);
        await Assert.That(client.CloseReason).IsEqualTo(JsonRpcCloseReason.PeerClosed);
    }

    [Test]
    public async Task A_hundred_concurrent_requests_all_complete_correctly()
    {
        var (client, server) = await Loopback.PairAsync(new(), new() { Dispatch = TestDispatch.Create() });
        await using var _ = client;
        await using var __ = server;
        var calls = Enumerable.Range(0, 100)
            .Select(i => Task.Run(async () => await client.InvokeAsync("add", new AddParams(i, 1000), TestJson.Default.AddParams, TestJson.Default.Int32, default)))
            .ToArray();
        var results = await Task.WhenAll(calls).WaitAsync(Patience);
        await Assert.That(results).IsEquivalentTo(Enumerable.Range(1000, 100).ToArray());
        await Assert.That(client.Counters.PendingRequests).IsEqualTo(0);
        await Assert.That(server.Counters.RequestsIn).IsEqualTo(100);
    }

    [Test]
    public async Task Notifications_flow_both_ways()
    {
        var atServer = new ConcurrentQueue<(string, string)>();
        var atClient = new ConcurrentQueue<(string, string)>();
        var (client, server) = await Loopback.PairAsync(
            new() { OnNotification = (m, p) => atClient.Enqueue((Encoding.UTF8.GetString(m), Encoding.UTF8.GetString(p))) },
            new() { OnNotification = (m, p) => atServer.Enqueue((Encoding.UTF8.GetString(m), Encoding.UTF8.GetString(p))) });
        await using var _ = client;
        await using var __ = server;
        await client.NotifyAsync("notifications/initialized", default);
        await client.NotifyAsync("telemetry.subscribe", new EchoPayload("agent.*", 100), TestJson.Default.EchoPayload, default);
        await server.NotifyAsync("swarm/update", new AddParams(1, 2), TestJson.Default.AddParams, default);
        await Loopback.WaitUntilAsync(() => atServer.Count == 2 && atClient.Count == 1);
        await Assert.That(atServer.ToArray()).IsEquivalentTo(new[] { ("notifications/initialized", ""), ("telemetry.subscribe", "{\"text\":\"agent.*\",\"number\":100}") });
        await Assert.That(atClient.ToArray()).IsEquivalentTo(new[] { ("swarm/update", "{\"a\":1,\"b\":2}") });
        await Assert.That(server.Counters.NotificationsIn).IsEqualTo(2);
    }

    [Test]
    public async Task Push_lines_are_delivered_raw_and_counted()
    {
        var pushes = new ConcurrentQueue<string>();
        var (client, peer) = await Loopback.ClientWithRawPeerAsync(new() { OnPush = line => pushes.Enqueue(Encoding.UTF8.GetString(line)) });
        await using var _ = client;
        await using var __ = peer;
        const string Line1 = "{\"type\":\"agent.status\",\"data\":{\"id\":\"a1\",\"status\":\"busy\"},\"timestamp\":\"2026-11-25T10:00:00Z\"}";
        const string Line2 = "{\"type\":\"message.flow\",\"data\":{\"from\":\"a1\",\"to\":\"a2\"},\"timestamp\":\"2026-11-25T10:00:01Z\"}";
        await peer.SendAsync(Line1 + "\r\n" + Line2 + "\n");
        await Loopback.WaitUntilAsync(() => pushes.Count == 2);
        await Assert.That(pushes.ToArray()).IsEquivalentTo(new[] { Line1, Line2 });
        await Assert.That(client.Counters.PushLinesIn).IsEqualTo(2);
        await Assert.That(client.Counters.InvalidMessages).IsEqualTo(0);
    }

    [Test]
    public async Task A_push_line_is_handed_on_unparsed_and_its_reader_judges_it()
    {
        // With a push sink, a line without a jsonrpc member is the sink's to parse: the connection does not parse it
        // first, so a broken one is the sink's to count, not an invalid message here.
        var pushes = new ConcurrentQueue<string>();
        var (client, peer) = await Loopback.ClientWithRawPeerAsync(new() { OnPush = line => pushes.Enqueue(Encoding.UTF8.GetString(line)) });
        await using var _ = client;
        await using var __ = peer;
        const string Broken = "{\"type\":\"agent.status\",\"data\":{\"agent_id\":\"a1\"";
        await peer.SendAsync(Broken + "\n");
        await Loopback.WaitUntilAsync(() => pushes.Count == 1);
        await Assert.That(pushes.Single()).IsEqualTo(Broken);
        await Assert.That(client.Counters.PushLinesIn).IsEqualTo(1);
        await Assert.That(client.Counters.InvalidMessages).IsEqualTo(0);
    }

    [Test]
    public async Task The_sink_hears_once_per_read_after_that_read_s_push_lines_and_not_after_a_read_without_any()
    {
        var events = new ConcurrentQueue<string>();
        var (client, peer) = await Loopback.ClientWithRawPeerAsync(new()
        {
            OnPush = line => events.Enqueue("push"),
            OnPushesDelivered = () => events.Enqueue("delivered"),
        });
        await using var _ = client;
        await using var __ = peer;
        var push = "{\"type\":\"agent.status\",\"data\":{\"agent_id\":\"a1\"}}\n";
        await peer.SendAsync(push + push + push);
        await Loopback.WaitUntilAsync(() => events.Count(e => e == "push") == 3 && events.Last() == "delivered");

        // A read with no push line in it (a response) brings no call.
        var call = InvokeRawAsync(client, "m");
        var (id, _) = await peer.ReadRequestAsync();
        await peer.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":1}}\n");
        await call.WaitAsync(Loopback.Patience);
        await peer.SendAsync(push); // behind the response's read, so a call that read brought would show before it
        await Loopback.WaitUntilAsync(() => events.Count(e => e == "push") == 4 && events.Last() == "delivered");
        var log = events.ToArray();
        await Assert.That(log.Zip(log.Skip(1)).Any(p => p.First == "delivered" && p.Second == "delivered")).IsFalse();
        await Assert.That(log.Count(e => e == "delivered")).IsBetween(2, 4);
    }

    [Test]
    public async Task Without_a_push_sink_a_broken_line_is_an_invalid_message()
    {
        var (client, peer) = await Loopback.ClientWithRawPeerAsync();
        await using var _ = client;
        await using var __ = peer;
        await peer.SendAsync("{\"type\":\"agent.status\",\"data\":{\"agent_id\":\"a1\"\n");
        await Loopback.WaitUntilAsync(() => client.Counters.InvalidMessages == 1);
        await Assert.That(client.Counters.PushLinesIn).IsEqualTo(0);
    }

    [Test]
    public async Task A_response_that_spells_jsonrpc_with_an_escape_still_completes_its_request_beside_a_push_sink()
    {
        var pushes = new ConcurrentQueue<string>();
        var (client, peer) = await Loopback.ClientWithRawPeerAsync(new() { OnPush = line => pushes.Enqueue(Encoding.UTF8.GetString(line)) });
        await using var _ = client;
        await using var __ = peer;
        var call = InvokeRawAsync(client, "m");
        var (id, _) = await peer.ReadRequestAsync();
        await peer.SendAsync($"{{\"\\u006Asonrpc\":\"2.0\",\"id\":{id},\"result\":{{\"ok\":true}}}}\n");
        var result = await call.WaitAsync(Loopback.Patience);
        await Assert.That(result.GetProperty("ok").GetBoolean()).IsTrue();
        await Assert.That(pushes.IsEmpty).IsTrue();
    }

    [Test]
    public async Task Event_notifications_reach_the_push_sink_when_asked_and_mcp_housekeeping_does_not()
    {
        var pushes = new ConcurrentQueue<string>();
        var (client, peer) = await Loopback.ClientWithRawPeerAsync(new() { OnPush = line => pushes.Enqueue(Encoding.UTF8.GetString(line)), NotificationsAsPush = true });
        await using var _ = client;
        await using var __ = peer;
        const string Status = "{\"jsonrpc\":\"2.0\",\"method\":\"agent/status\",\"params\":{\"agentId\":\"a1\",\"status\":\"busy\"}}";
        const string Progress = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}";
        const string Push = "{\"type\":\"agent.status\",\"data\":{\"id\":\"a2\"}}";
        await peer.SendAsync(Status + "\n" + Progress + "\n" + Push + "\n");
        await Loopback.WaitUntilAsync(() => pushes.Count == 2 && client.Counters.NotificationsIn == 2);
        await Assert.That(pushes.ToArray()).IsEquivalentTo(new[] { Status, Push });
        await Assert.That(client.Counters.PushLinesIn).IsEqualTo(1);
    }

    [Test]
    public async Task Without_the_option_notifications_never_reach_the_push_sink()
    {
        var pushes = new ConcurrentQueue<string>();
        var (client, peer) = await Loopback.ClientWithRawPeerAsync(new() { OnPush = line => pushes.Enqueue(Encoding.UTF8.GetString(line)) });
        await using var _ = client;
        await using var __ = peer;
        await peer.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"agent/status\",\"params\":{\"agentId\":\"a1\"}}\n{\"type\":\"agent.status\",\"data\":{\"id\":\"a2\"}}\n");
        await Loopback.WaitUntilAsync(() => pushes.Count == 1 && client.Counters.NotificationsIn == 1);
        await Assert.That(pushes.Single()).Contains("a2");
    }

    [Test]
    public async Task A_server_can_push_telemetry_lines_that_arrive_as_push_lines()
    {
        var pushes = new ConcurrentQueue<string>();
        var (client, server) = await Loopback.PairAsync(new() { OnPush = line => pushes.Enqueue(Encoding.UTF8.GetString(line)) }, new());
        await using var _ = client;
        await using var __ = server;
        await server.SendLineAsync(new PushPayload("agent.spawned", new EchoPayload("coder", 1), "2026-11-25T10:00:00Z"), TestJson.Default.PushPayload, default);
        await Loopback.WaitUntilAsync(() => pushes.Count == 1);
        await Assert.That(pushes.Single()).IsEqualTo("{\"type\":\"agent.spawned\",\"data\":{\"text\":\"coder\",\"number\":1},\"timestamp\":\"2026-11-25T10:00:00Z\"}");
    }

    [Test]
    public async Task Batched_responses_are_correlated_one_by_one()
    {
        var (client, peer) = await Loopback.ClientWithRawPeerAsync();
        await using var _ = client;
        await using var __ = peer;
        var a = InvokeRawAsync(client, "a");
        var b = InvokeRawAsync(client, "b");
        var (id1, r1) = await peer.ReadRequestAsync();
        var (id2, _) = await peer.ReadRequestAsync();
        var (idA, idB) = r1.GetProperty("method").GetString() == "a" ? (id1, id2) : (id2, id1);
        await peer.SendAsync($"[{{\"jsonrpc\":\"2.0\",\"id\":{idB},\"result\":\"B\"}},{{\"jsonrpc\":\"2.0\",\"id\":{idA},\"error\":{{\"code\":-1,\"message\":\"no A\"}}}}]\n");
        await Assert.That((await b.WaitAsync(Patience)).GetString()).IsEqualTo("B");
        var error = await Loopback.CatchAsync<JsonRpcException>(() => a);
        await Assert.That(error.Message).IsEqualTo("no A");
        await Assert.That(client.Counters.MessagesIn).IsEqualTo(2);
    }

    [Test]
    public async Task Batched_requests_are_answered_one_line_each()
    {
        var notes = new ConcurrentQueue<string>();
        var (client, peer) = await Loopback.ClientWithRawPeerAsync(new()
        {
            Dispatch = TestDispatch.Create(),
            OnNotification = (m, _) => notes.Enqueue(Encoding.UTF8.GetString(m)),
        });
        await using var _ = client;
        await using var __ = peer;
        await peer.SendAsync("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"add\",\"params\":{\"a\":1,\"b\":2}},{\"jsonrpc\":\"2.0\",\"method\":\"note\"},{\"jsonrpc\":\"2.0\",\"id\":\"two\",\"method\":\"nope\"},{\"bad\":1}]\n");
        var first = await peer.ReadJsonAsync();
        var second = await peer.ReadJsonAsync();
        var byId = new[] { first, second }.ToDictionary(e => e.GetProperty("id").GetRawText());
        await Assert.That(byId["1"].GetProperty("result").GetInt32()).IsEqualTo(3);
        await Assert.That(byId["\"two\""].GetProperty("error").GetProperty("code").GetInt32()).IsEqualTo(JsonRpcErrorCodes.MethodNotFound);
        await Loopback.WaitUntilAsync(() => notes.Count == 1 && client.Counters.InvalidMessages == 1);
        await Assert.That(client.Counters.RequestsIn).IsEqualTo(2);
    }

    [Test]
    public async Task Invalid_messages_are_counted_logged_and_harmless()
    {
        var logger = new CollectingLogger();
        var (client, peer) = await Loopback.ClientWithRawPeerAsync(new() { Logger = logger, Name = "t" });
        await using var _ = client;
        await using var __ = peer;
        string[] bad =
        [
            "{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":1}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":{\"code\":1,\"message\":\"x\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":1}",
            "{\"jsonrpc\":\"2.0\",\"id\":true,\"result\":1}",
            "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"m\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"x\"}}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":\"s\"}",
            "{\"jsonrpc\":\"2.0\",\"method\":1}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":",
            "[]",
            "[[{\"jsonrpc\":\"2.0\",\"method\":\"m\"}]]",
            "{\"no\":\"rpc\"}",
        ];
        await peer.SendAsync(string.Join("\n", bad) + "\n");
        await Loopback.WaitUntilAsync(() => client.Counters.InvalidMessages == bad.Length);
        await Assert.That(client.IsConnected).IsTrue();
        await Assert.That(logger.Contains("WrongVersion")).IsTrue();
        await Assert.That(logger.Contains("ResultAndError")).IsTrue();
        await Assert.That(logger.Contains("MalformedJson")).IsTrue();

        // Still usable afterwards.
        var call = InvokeRawAsync(client, "m");
        var (id, _) = await peer.ReadRequestAsync();
        await peer.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":1}}\n");
        await Assert.That((await call.WaitAsync(Patience)).GetInt32()).IsEqualTo(1);
    }

    [Test]
    public async Task Responses_with_unknown_ids_are_counted_and_logged()
    {
        var logger = new CollectingLogger();
        var (client, peer) = await Loopback.ClientWithRawPeerAsync(new() { Logger = logger });
        await using var _ = client;
        await using var __ = peer;
        await peer.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":\"someone-else-1\",\"result\":1}\n{\"jsonrpc\":\"2.0\",\"id\":999999999,\"result\":1}\n{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}\n");
        await Loopback.WaitUntilAsync(() => client.Counters.UnknownResponseIds == 3);
        await Assert.That(logger.Contains("someone-else-1")).IsTrue();
        await Assert.That(logger.Contains("Parse error")).IsTrue();
    }

    [Test]
    public async Task Banner_lines_are_skipped_and_counted()
    {
        var (client, peer) = await Loopback.ClientWithRawPeerAsync();
        await using var _ = client;
        await using var __ = peer;
        var call = InvokeRawAsync(client, "m");
        var (id, _) = await peer.ReadRequestAsync();
        await peer.SendAsync($"Claude Flow MCP bridge ready\n\n  \r\n🚀 starting\n{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":2}}\n");
        await Assert.That((await call.WaitAsync(Patience)).GetInt32()).IsEqualTo(2);
        await Assert.That(client.Counters.BannerLinesSkipped).IsEqualTo(2);
        await Assert.That(client.Counters.MessagesIn).IsEqualTo(1);
    }

    [Test]
    public async Task Error_objects_become_JsonRpcException_with_code_message_and_data()
    {
        var (client, peer) = await Loopback.ClientWithRawPeerAsync();
        await using var _ = client;
        await using var __ = peer;
        var call = InvokeRawAsync(client, "authenticate");
        var (id, _) = await peer.ReadRequestAsync();
        await peer.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"error\":{{\"code\":-32000,\"message\":\"Authentication failed\",\"data\":{{\"reason\":\"bad token\"}}}}}}\n");
        var e = await Loopback.CatchAsync<JsonRpcException>(() => call);
        await Assert.That(e.Code).IsEqualTo(JsonRpcErrorCodes.ServerError);
        await Assert.That(e.Message).IsEqualTo("Authentication failed");
        await Assert.That(e.ErrorData!.Value.GetProperty("reason").GetString()).IsEqualTo("bad token");
    }

    [Test]
    public async Task A_result_of_the_wrong_shape_fails_only_that_caller()
    {
        var (client, peer) = await Loopback.ClientWithRawPeerAsync();
        await using var _ = client;
        await using var __ = peer;
        var call = client.InvokeAsync("m", TestJson.Default.Int32, default).AsTask();
        var (id, _) = await peer.ReadRequestAsync();
        await peer.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":\"not a number\"}}\n");
        var e = await Loopback.CatchAsync<JsonRpcException>(() => call);
        await Assert.That(e.Code).IsEqualTo(JsonRpcErrorCodes.ParseError);
        await Assert.That(client.IsConnected).IsTrue();
    }

    [Test]
    public async Task Dispatch_errors_map_to_json_rpc_codes()
    {
        var logger = new CollectingLogger();
        var (client, server) = await Loopback.PairAsync(new(), new() { Dispatch = TestDispatch.Create(), Logger = logger });
        await using var _ = client;
        await using var __ = server;
        var notFound = await Loopback.CatchAsync<JsonRpcException>(() => InvokeRawAsync(client, "no.such.method"));
        using var wrong = JsonDocument.Parse("{\"a\":\"not a number\",\"b\":1}");
        var badParams = await Loopback.CatchAsync<JsonRpcException>(async () =>
            await client.InvokeAsync("add", wrong.RootElement, TestJson.Default.JsonElement, TestJson.Default.Int32, default));
        var scalarParams = await Loopback.CatchAsync<JsonRpcException>(async () =>
            await client.InvokeAsync("add", 3, TestJson.Default.Int32, TestJson.Default.Int32, default));
        var internalError = await Loopback.CatchAsync<JsonRpcException>(() => InvokeRawAsync(client, "fail"));
        var custom = await Loopback.CatchAsync<JsonRpcException>(() => InvokeRawAsync(client, "custom"));
        var unclosed = await Loopback.CatchAsync<JsonRpcException>(() => InvokeRawAsync(client, "unclosed"));
        await Assert.That(unclosed.Code).IsEqualTo(JsonRpcErrorCodes.InternalError);
        await Assert.That(notFound.Code).IsEqualTo(JsonRpcErrorCodes.MethodNotFound);
        await Assert.That(notFound.Message).Contains("no.such.method");
        await Assert.That(badParams.Code).IsEqualTo(JsonRpcErrorCodes.InvalidParams);
        await Assert.That(scalarParams.Code).IsEqualTo(JsonRpcErrorCodes.InvalidParams);
        await Assert.That(internalError.Code).IsEqualTo(JsonRpcErrorCodes.InternalError);
        await Assert.That(internalError.Message).Contains("boom");
        await Assert.That(custom.Code).IsEqualTo(-32050);
        await Assert.That(custom.Message).IsEqualTo("custom failure");
        await Assert.That(custom.ErrorData!.Value.GetProperty("hint").GetString()).IsEqualTo("retry later");
        await Assert.That(logger.Contains("'fail' failed")).IsTrue();
        await Assert.That(server.IsConnected).IsTrue();
    }

    [Test]
    public async Task A_connection_without_dispatch_answers_requests_with_method_not_found()
    {
        var (client, peer) = await Loopback.ClientWithRawPeerAsync();
        await using var _ = client;
        await using var __ = peer;
        await peer.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}\n");
        var reply = await peer.ReadJsonAsync();
        await Assert.That(reply.GetProperty("id").GetInt32()).IsEqualTo(5);
        await Assert.That(reply.GetProperty("error").GetProperty("code").GetInt32()).IsEqualTo(JsonRpcErrorCodes.MethodNotFound);
    }

    [Test]
    public async Task Slow_handlers_do_not_block_other_traffic()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (client, server) = await Loopback.PairAsync(new(), new() { Dispatch = TestDispatch.Create(gate) });
        await using var _ = client;
        await using var __ = server;
        var slow = client.InvokeAsync("slow", TestJson.Default.String, default).AsTask();
        var fast = await client.InvokeAsync("add", new AddParams(1, 1), TestJson.Default.AddParams, TestJson.Default.Int32, default).AsTask().WaitAsync(Patience);
        await Assert.That(fast).IsEqualTo(2);
        await Assert.That(slow.IsCompleted).IsFalse();
        gate.SetResult();
        await Assert.That(await slow.WaitAsync(Patience)).IsEqualTo("late");
    }

    [Test]
    public async Task Cancellation_removes_the_request_and_throws_OperationCanceledException()
    {
        var (client, peer) = await Loopback.ClientWithRawPeerAsync();
        await using var _ = client;
        await using var __ = peer;
        using var cts = new CancellationTokenSource();
        var call = InvokeRawAsync(client, "never", cts.Token);
        var (id, _) = await peer.ReadRequestAsync();
        await Assert.That(client.Counters.PendingRequests).IsEqualTo(1);
        await cts.CancelAsync();
        var e = await Loopback.CatchAsync<OperationCanceledException>(() => call);
        await Assert.That(e.CancellationToken).IsEqualTo(cts.Token);
        await Assert.That(client.Counters.PendingRequests).IsEqualTo(0);
        await Assert.That(client.Counters.CancelledRequests).IsEqualTo(1);

        // The late answer is now an unknown id, and the connection keeps working.
        await peer.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":1}}\n");
        await Loopback.WaitUntilAsync(() => client.Counters.UnknownResponseIds == 1);
        var next = InvokeRawAsync(client, "again");
        var (id2, _) = await peer.ReadRequestAsync();
        await peer.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id2},\"result\":2}}\n");
        await Assert.That((await next.WaitAsync(Patience)).GetInt32()).IsEqualTo(2);
    }

    [Test]
    public async Task Cancellations_racing_responses_leave_nothing_behind()
    {
        var (client, server) = await Loopback.PairAsync(new(), new() { Dispatch = TestDispatch.Create() });
        await using var _ = client;
        await using var __ = server;
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(async () =>
        {
            using var cts = new CancellationTokenSource();
            var call = client.InvokeAsync("add", new AddParams(i, 1), TestJson.Default.AddParams, TestJson.Default.Int32, cts.Token).AsTask();
            if (i % 2 == 0)
            {
                for (var spin = Random.Shared.Next(0, 3); spin > 0; spin--)
                {
                    await Task.Yield();
                }

                await cts.CancelAsync();
            }

            try
            {
                return await call == i + 1 ? "ok" : "wrong";
            }
            catch (OperationCanceledException)
            {
                return "cancelled";
            }
        }))).WaitAsync(Patience);

        // Every call ended one way or the other, no result went to the wrong caller, and nothing is left pending.
        await Assert.That(outcomes.Contains("wrong")).IsFalse();
        await Assert.That(outcomes.Count(o => o == "ok")).IsGreaterThanOrEqualTo(250);
        await Assert.That(client.Counters.PendingRequests).IsEqualTo(0);
        await Assert.That(client.Counters.CancelledRequests).IsEqualTo(outcomes.Count(o => o == "cancelled"));
        var sum = await client.InvokeAsync("add", new AddParams(20, 22), TestJson.Default.AddParams, TestJson.Default.Int32, default).AsTask().WaitAsync(Patience);
        await Assert.That(sum).IsEqualTo(42);
    }

    [Test]
    public async Task An_already_cancelled_token_throws_without_sending()
    {
        var (client, peer) = await Loopback.ClientWithRawPeerAsync();
        await using var _ = client;
        await using var __ = peer;
        await Loopback.CatchAsync<OperationCanceledException>(() => InvokeRawAsync(client, "m", new CancellationToken(canceled: true)));
        await Assert.That(client.Counters.MessagesOut).IsEqualTo(0);
        await Assert.That(client.Counters.PendingRequests).IsEqualTo(0);
    }

    [Test]
    public async Task Peer_close_fails_every_pending_request_at_once()
    {
        var logger = new CollectingLogger();
        var (client, peer) = await Loopback.ClientWithRawPeerAsync(new() { Logger = logger, Name = "mcp-1" });
        await using var _ = client;
        var calls = Enumerable.Range(0, 5).Select(i => InvokeRawAsync(client, "m" + i)).ToArray();
        for (var i = 0; i < 5; i++)
        {
            await peer.ReadRequestAsync();
        }

        peer.Close();
        foreach (var call in calls)
        {
            var e = await Loopback.CatchAsync<JsonRpcConnectionClosedException>(() => call);
            await Assert.That(e.Reason).IsEqualTo(JsonRpcCloseReason.PeerClosed);
            await Assert.That(e).IsAssignableTo<IOException>();
        }

        await client.Completion.WaitAsync(Patience);
        await Assert.That(client.CloseReason).IsEqualTo(JsonRpcCloseReason.PeerClosed);
        await Assert.That(client.Counters.PendingRequests).IsEqualTo(0);
        await Assert.That(logger.Contains("mcp-1: JSON-RPC connection closed (PeerClosed)")).IsTrue();

        // Nothing waits on a dead connection: new calls fail immediately.
        var late = await Loopback.CatchAsync<JsonRpcConnectionClosedException>(() => InvokeRawAsync(client, "late"));
        await Assert.That(late.Reason).IsEqualTo(JsonRpcCloseReason.PeerClosed);
        await Loopback.CatchAsync<JsonRpcConnectionClosedException>(async () => await client.NotifyAsync("n", default));
    }

    [Test]
    public async Task Dispose_fails_pending_requests_with_reason_Disposed()
    {
        var (client, peer) = await Loopback.ClientWithRawPeerAsync();
        await using var __ = peer;
        var call = InvokeRawAsync(client, "m");
        await peer.ReadRequestAsync();
        await client.DisposeAsync().AsTask().WaitAsync(Patience);
        var e = await Loopback.CatchAsync<JsonRpcConnectionClosedException>(() => call);
        await Assert.That(e.Reason).IsEqualTo(JsonRpcCloseReason.Disposed);

        // The socket was closed too: the peer sees end of stream.
        await Loopback.CatchAsync<EndOfStreamException>(() => peer.ReadLineAsync());
    }

    [Test]
    public async Task An_oversize_line_closes_only_its_own_connection()
    {
        var logger = new CollectingLogger();
        var options = new JsonRpcConnectionOptions { MaxLineLength = 1024, Logger = logger, Name = "victim" };
        var (victim, badPeer) = await Loopback.ClientWithRawPeerAsync(options);
        var (healthy, goodPeer) = await Loopback.ClientWithRawPeerAsync(new() { MaxLineLength = 1024 });
        await using var _ = victim;
        await using var __ = badPeer;
        await using var ___ = healthy;
        await using var ____ = goodPeer;

        var pending = InvokeRawAsync(victim, "m");
        await badPeer.ReadRequestAsync();

        // 4 KiB and never a newline: detected while still incomplete.
        await badPeer.SendAsync("{\"x\":\"" + new string('a', 4096));
        var e = await Loopback.CatchAsync<JsonRpcConnectionClosedException>(() => pending);
        await Assert.That(e.Reason).IsEqualTo(JsonRpcCloseReason.LineTooLong);
        await Assert.That(e.Message).Contains("1024");
        await Assert.That(victim.Counters.OversizeLines).IsEqualTo(1);
        await Assert.That(logger.Contains("LineTooLong")).IsTrue();

        var call = InvokeRawAsync(healthy, "m");
        var (id, _) = await goodPeer.ReadRequestAsync();
        await goodPeer.SendAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":\"fine\"}}\n");
        await Assert.That((await call.WaitAsync(Patience)).GetString()).IsEqualTo("fine");
        await Assert.That(healthy.IsConnected).IsTrue();
    }

    [Test]
    public async Task A_complete_oversize_line_in_one_read_also_closes()
    {
        var (client, peer) = await Loopback.ClientWithRawPeerAsync(new() { MaxLineLength = 100 });
        await using var _ = client;
        await using var __ = peer;
        await peer.SendAsync("{\"type\":\"agent.status\",\"data\":\"" + new string('z', 200) + "\"}\n");
        await client.Completion.WaitAsync(Patience);
        await Assert.That(client.CloseReason).IsEqualTo(JsonRpcCloseReason.LineTooLong);
    }

    [Test]
    public async Task A_large_line_below_the_limit_arrives_intact()
    {
        var pushes = new ConcurrentQueue<(string Text, bool OnePiece)>();
        var (client, peer) = await Loopback.ClientWithRawPeerAsync(new() { OnPush = line => pushes.Enqueue((Encoding.UTF8.GetString(line), line.IsSingleSegment)) });
        await using var _ = client;
        await using var __ = peer;

        // Like Claude Flow's ~260 KB tools/list line: spans many socket reads and pipe segments, and is handed on in
        // them (not gathered into one buffer first: its reader copies it once, if it keeps it).
        var line = "{\"type\":\"big\",\"data\":\"" + new string('q', 300_000) + "\"}";
        await peer.SendAsync(line + "\n");
        await Loopback.WaitUntilAsync(() => !pushes.IsEmpty);
        var (text, onePiece) = pushes.Single();
        await Assert.That(text).IsEqualTo(line);
        await Assert.That(onePiece).IsFalse();
    }

    [Test]
    public async Task A_callback_that_throws_is_logged_and_the_connection_survives()
    {
        var logger = new CollectingLogger();
        var (client, peer) = await Loopback.ClientWithRawPeerAsync(new() { Logger = logger, OnPush = _ => throw new InvalidOperationException("sink broke") });
        await using var _ = client;
        await using var __ = peer;
        await peer.SendAsync("{\"type\":\"x\"}\n");
        await Loopback.WaitUntilAsync(() => logger.Contains("push callback threw"));
        await Assert.That(client.IsConnected).IsTrue();
    }

    [Test]
    public async Task The_last_message_time_comes_from_the_time_provider()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var (client, peer) = await Loopback.ClientWithRawPeerAsync(new() { TimeProvider = time });
        await using var _ = client;
        await using var __ = peer;
        await Assert.That(client.Counters.LastMessageAt).IsNull();
        await peer.SendAsync("{\"type\":\"x\"}\n");
        await Loopback.WaitUntilAsync(() => client.Counters.PushLinesIn == 1);
        await Assert.That(client.Counters.LastMessageAt).IsEqualTo(time.GetUtcNow());
    }

    [Test]
    public async Task Params_that_cannot_be_serialized_fail_the_call_but_not_the_connection()
    {
        var (client, server) = await Loopback.PairAsync(new(), new() { Dispatch = TestDispatch.Create() });
        await using var _ = client;
        await using var __ = server;
        using var doc = JsonDocument.Parse("1");
        var undefined = default(JsonElement);
        await Loopback.CatchAsync<InvalidOperationException>(async () =>
            await client.InvokeAsync("echo", undefined, TestJson.Default.JsonElement, TestJson.Default.JsonElement, default));
        await Assert.That(client.Counters.PendingRequests).IsEqualTo(0);
        var sum = await client.InvokeAsync("add", new AddParams(4, 4), TestJson.Default.AddParams, TestJson.Default.Int32, default).AsTask().WaitAsync(Patience);
        await Assert.That(sum).IsEqualTo(8);
    }

    [Test]
    public async Task A_burst_of_requests_goes_out_in_fewer_sends_than_requests_and_every_one_is_answered()
    {
        var (c, s) = await Loopback.ConnectAsync();
        await using var client = JsonRpcConnection.Create(c);
        using var peer = s;
        const int Burst = 32;

        // A first call outside the count, so the burst below runs compiled code rather than waiting on the JIT.
        var warmUp = client.NotifyAsync("warm-up", default);
        await warmUp;
        var firstLine = new byte[256];
        var got = 0;
        while (got == 0 || firstLine[got - 1] != (byte)'\n')
        {
            got += await peer.ReceiveAsync(firstLine.AsMemory(got), System.Net.Sockets.SocketFlags.None).AsTask().WaitAsync(Patience);
        }

        var sendsBefore = client.Counters.SocketSends;

        // Issued in one synchronous loop on a pool thread, as the product's callers do: the send loop only runs when
        // that work item ends, so the burst leaves in a few sends (one, unless an idle pool thread steals the send and
        // runs it while the loop is still writing; then what was written during that send goes in the next).
        var calls = await Task.Run(() => Enumerable.Range(0, Burst).Select(_ => client.InvokeAsync("system.ping", TestJson.Default.JsonElement, default)).ToArray());

        var buffer = new byte[64 * 1024];
        var received = new List<byte>();
        while (received.Count(b => b == (byte)'\n') < Burst)
        {
            var n = await peer.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None).WaitAsync(Patience);
            await Assert.That(n).IsGreaterThan(0);
            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        // One send per message (no coalescing) would be exactly Burst; steals typically leave 1 to 9.
        await Assert.That(client.Counters.SocketSends - sendsBefore).IsGreaterThan(0).And.IsLessThan(Burst * 3 / 4);
        var replies = new StringBuilder();
        foreach (var line in Encoding.UTF8.GetString(received.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var request = JsonDocument.Parse(line);
            replies.Append("{\"jsonrpc\":\"2.0\",\"id\":").Append(request.RootElement.GetProperty("id").GetRawText()).Append(",\"result\":{\"ok\":true}}\n");
        }

        await peer.SendAsync(Encoding.UTF8.GetBytes(replies.ToString()), System.Net.Sockets.SocketFlags.None);
        foreach (var call in calls)
        {
            var result = await call.AsTask().WaitAsync(Patience);
            await Assert.That(result.GetProperty("ok").GetBoolean()).IsTrue();
        }

        await Assert.That(client.Counters.MessagesOut).IsEqualTo(Burst + 1);
        await Assert.That(client.Counters.PendingRequests).IsEqualTo(0);
    }

    [Test]
    public async Task A_notification_written_just_before_dispose_still_reaches_the_peer()
    {
        var (client, peer) = await Loopback.ClientWithRawPeerAsync();
        await using var __ = peer;
        await client.NotifyAsync("goodbye", new EchoPayload("last words", 1), TestJson.Default.EchoPayload, default);
        await client.DisposeAsync();
        var line = await peer.ReadJsonAsync();
        await Assert.That(line.GetProperty("method").GetString()).IsEqualTo("goodbye");
        await Assert.That(line.GetProperty("params").GetProperty("text").GetString()).IsEqualTo("last words");
        await Assert.That(client.CloseReason).IsEqualTo(JsonRpcCloseReason.Disposed);
    }
}

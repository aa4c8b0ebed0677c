using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Graph;
using VisionFlow.Server.Streaming;
using VisionFlow.Testing;
using VisionFlow.Testing.Hosting;
using static VisionFlow.Testing.JsonPolling;

namespace VisionFlow.Server.Tests;

/// <summary>
/// The <c>agents</c> messages of <c>/ws</c> on a real Kestrel: every agent on connect, exactly as REST shows it; then
/// only the fields that changed, and the ids removed; nothing while nothing changes.
/// </summary>
public sealed class AgentsTopicTests
{
    private static ServerOptions OptionsFor(int port) => SimulatedSwarmTests.OptionsFor(port);

    private static async Task<(RunningServer Server, StreamClient Stream, JsonElement Full)> ConnectAsync(TestPeer peer, int agents)
    {
        var server = await RunningServer.StartAsync(OptionsFor(peer.Port));
        await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == agents, $"{agents} agents over REST");
        var stream = await StreamClient.ConnectAsync(server.Address);
        var full = await stream.ReceiveTextAsync("agents", m => m.TryGetProperty("full", out _) && m.GetProperty("agents").GetArrayLength() == agents);
        return (server, stream, full);
    }

    private static string[] Names(JsonElement item) => [.. item.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    [Test]
    public async Task On_connect_every_agent_arrives_in_one_full_message_shaped_as_the_rest_items()
    {
        await using var peer = TestPeer.Start("a1", "a2");
        var (server, stream, full) = await ConnectAsync(peer, 2);
        await using var _ = server;
        await using var __ = stream;

        await Assert.That(full.GetProperty("full").GetBoolean()).IsTrue();
        var rest = JsonDocument.Parse(await server.Http.GetStringAsync("/api/bots/agents")).RootElement.GetProperty("agents");
        var restById = rest.EnumerateArray().ToDictionary(a => a.GetProperty("id").GetString()!);
        var items = full.GetProperty("agents").EnumerateArray().ToArray();
        await Assert.That(items.Select(a => a.GetProperty("id").GetString()!)).IsEquivalentTo(new[] { "a1", "a2" });
        foreach (var item in items)
        {
            var twin = restById[item.GetProperty("id").GetString()!];
            await Assert.That(Names(item)).IsEquivalentTo(Names(twin)); // the same fields, unknown ones as null
            foreach (var name in new[] { "id", "node_id", "type", "status", "health", "created_at", "model", "swarm_id", "stale", "tasks_active", "cpu_usage" })
            {
                await Assert.That(item.GetProperty(name).GetRawText()).IsEqualTo(twin.GetProperty(name).GetRawText());
            }
        }
    }

    [Test]
    public async Task A_status_change_arrives_as_that_field_alone_and_a_removal_as_its_id()
    {
        await using var peer = TestPeer.Start("a1", "a2");
        var (server, stream, _) = await ConnectAsync(peer, 2);
        await using var s = server;
        await using var st = stream;

        peer.Push("""{"type":"agent.status","data":{"agent_id":"a1","status":"busy"}}""");
        var changed = await stream.ReceiveTextAsync("agents", m => m.TryGetProperty("changed", out var c) && c.GetArrayLength() > 0);
        var item = changed.GetProperty("changed").EnumerateArray().Single();
        await Assert.That(item.GetProperty("id").GetString()).IsEqualTo("a1");
        await Assert.That(item.GetProperty("status").GetString()).IsEqualTo("busy");
        // Only the status, with when the agent was last heard (which moves with every change); nothing else it already had.
        await Assert.That(Names(item)).IsEquivalentTo(new[] { "id", "last_seen", "status" });
        await Assert.That(changed.GetProperty("removed").GetArrayLength()).IsEqualTo(0);

        peer.Push("""{"type":"agent.terminated","data":{"agent_id":"a2"}}""");
        var removed = await stream.ReceiveTextAsync("agents", m => m.TryGetProperty("removed", out var r) && r.GetArrayLength() > 0);
        await Assert.That(removed.GetProperty("removed").EnumerateArray().Select(r => r.GetString()!)).IsEquivalentTo(new[] { "a2" });
        await Assert.That(removed.GetProperty("changed").GetArrayLength()).IsEqualTo(0);

        // Nothing more is sent for what did not change: the session answers a control message after anything it sent.
        await stream.Socket.SendAsync(Encoding.UTF8.GetBytes("""{"type":"set_rate","hz":30}"""), WebSocketMessageType.Text, true, CancellationToken.None);
        var more = 0;
        while (true)
        {
            var (type, data) = await stream.ReceiveAsync();
            var text = type == WebSocketMessageType.Text ? Encoding.UTF8.GetString(data) : string.Empty;
            if (text.Contains("\"type\":\"rate\"", StringComparison.Ordinal)) break;
            if (text.Contains("\"type\":\"agents\"", StringComparison.Ordinal)) more++;
        }

        await Assert.That(more).IsEqualTo(0);
    }

    [Test]
    public async Task A_last_gauge_reading_before_the_swarm_goes_quiet_still_arrives()
    {
        await using var peer = TestPeer.Start("a1", "a2");
        var (server, stream, _) = await ConnectAsync(peer, 2);
        await using var s = server;
        await using var st = stream;

        // Quiet first: both agents go stale unheard (five seconds), so no batch of the intake is due after that but
        // a1's own next staleness.
        await stream.ReceiveTextAsync("agents", m => m.TryGetProperty("changed", out var c)
            && c.EnumerateArray().Any(a => a.GetProperty("id").GetString() == "a2" && a.TryGetProperty("stale", out var x) && x.GetBoolean()));
        peer.Push("""{"type":"agent.status","data":{"agent_id":"a1","status":"busy"}}""");
        await stream.ReceiveTextAsync("agents", m => m.TryGetProperty("changed", out var c)
            && c.EnumerateArray().Any(a => a.GetProperty("id").GetString() == "a1" && a.TryGetProperty("status", out var x) && x.GetString() == "busy"));

        // Gauges alone go at most once a second: the first reading after a quiet spell at once, the next one held back.
        // Nothing follows it here, so no later batch can carry it: it must be sent once due (on the intake's
        // housekeeping wake), not with a1's going stale five seconds on.
        peer.Push("""{"type":"agent.status","data":{"agent_id":"a1","cpu_usage":10.0}}""");
        await stream.ReceiveTextAsync("agents", m => m.TryGetProperty("changed", out var c)
            && c.EnumerateArray().Any(a => a.GetProperty("id").GetString() == "a1" && a.TryGetProperty("cpu_usage", out var x) && x.GetDouble() == 10.0));
        peer.Push("""{"type":"agent.status","data":{"agent_id":"a1","cpu_usage":42.5,"memory_usage":7.25}}""");
        var changed = await stream.ReceiveTextAsync("agents", m => m.TryGetProperty("changed", out var c)
            && c.EnumerateArray().Any(a => a.GetProperty("id").GetString() == "a1" && a.TryGetProperty("cpu_usage", out var x) && x.GetDouble() == 42.5));
        var item = changed.GetProperty("changed").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "a1");
        await Assert.That(item.GetProperty("cpu_usage").GetDouble()).IsEqualTo(42.5);
        await Assert.That(item.GetProperty("memory_usage").GetDouble()).IsEqualTo(7.25);
        await Assert.That(item.TryGetProperty("stale", out _)).IsFalse();
    }

    [Test]
    public async Task Items_kept_from_changed_fields_alone_match_the_rest_items_field_by_field()
    {
        // Updates send and merge only the fields they changed (gauges read apart): a topic rebuilt from those patches
        // must hold, for every field, exactly the bytes REST serializes: numbers, escapes, dates and nulls alike.
        await using var peer = TestPeer.Start("a1", "a2");
        var (server, stream, _) = await ConnectAsync(peer, 2);
        await using var s = server;
        await using var st = stream;

        peer.Push("""{"type":"agent.status","data":{"agent_id":"a1","cpu_usage":12.345,"memory_usage":99.5,"tokens_used":12345}}""");
        peer.Push("""{"type":"agent.status","data":{"agent_id":"a2","type":"coder","status":"busy","swarm_id":"s-1","health":0.75,"model":"claude-x","created_at":"2026-12-07T10:00:00.123Z","tasks_active":3}}""");
        peer.Push("""{"type":"agent.status","data":{"agent_id":"a1","cpu_usage":0.1,"memory_usage":0.001,"tokens_used":7}}""");
        peer.Push("""{"type":"agent.status","data":{"agent_id":"a2","status":"idle","model":"\u00e9 \"q\" <b>&","tasks_active":0,"health":1}}""");
        peer.Push("""{"type":"agent.status","data":{"agent_id":"a1","status":"active"}}""");
        await stream.ReceiveTextAsync("agents", m => m.TryGetProperty("changed", out var c)
            && c.EnumerateArray().Any(a => a.GetProperty("id").GetString() == "a1" && a.TryGetProperty("status", out var x) && x.GetString() == "active"));

        await using var late = await StreamClient.ConnectAsync(server.Address);
        var full = await late.ReceiveTextAsync("agents", m => m.TryGetProperty("full", out _));
        var rest = JsonDocument.Parse(await server.Http.GetStringAsync("/api/bots/agents")).RootElement.GetProperty("agents");
        var restById = rest.EnumerateArray().ToDictionary(a => a.GetProperty("id").GetString()!);
        var items = full.GetProperty("agents").EnumerateArray().ToArray();
        await Assert.That(items.Length).IsEqualTo(2);
        await Assert.That(restById["a1"].GetProperty("cpu_usage").GetDouble()).IsEqualTo(0.1);
        await Assert.That(restById["a2"].GetProperty("model").GetString()).IsEqualTo("\u00e9 \"q\" <b>&");
        foreach (var item in items)
        {
            var twin = restById[item.GetProperty("id").GetString()!];
            await Assert.That(Names(item)).IsEquivalentTo(Names(twin));
            foreach (var property in twin.EnumerateObject())
            {
                await Assert.That(item.GetProperty(property.Name).GetRawText()).IsEqualTo(property.Value.GetRawText())
                    .Because($"{twin.GetProperty("id")}.{property.Name}");
            }
        }
    }

    [Test]
    public async Task Request_full_sends_every_agent_again()
    {
        await using var peer = TestPeer.Start("a1");
        var (server, stream, _) = await ConnectAsync(peer, 1);
        await using var s = server;
        await using var st = stream;
        await stream.Socket.SendAsync(Encoding.UTF8.GetBytes("""{"type":"request_full"}"""), WebSocketMessageType.Text, true, CancellationToken.None);
        var again = await stream.ReceiveTextAsync("agents", m => m.TryGetProperty("full", out _));
        await Assert.That(again.GetProperty("agents").GetArrayLength()).IsEqualTo(1);
    }

    [Test]
    public async Task A_settled_graph_with_nothing_changing_sends_no_topic_message_and_no_frame_after_connect()
    {
        var time = new FakeTimeProvider();
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false, PhysicsBackend = "cpu", RateLimitPerSecond = 0 }, time);
        var physics = server.Services.GetRequiredService<GraphService>().Physics;
        await Eventually.UntilAsync(() => physics.Status.NodeCount > 0, "the sample notes in physics", TimeSpan.FromSeconds(20));
        for (var t = 0; t < 30_000 && !physics.Status.Settled; t++) time.Advance(TimeSpan.FromSeconds(1.0 / 60));
        await Assert.That(physics.Status.Settled).IsTrue();

        await using var stream = await StreamClient.ConnectAsync(server.Address);
        var full = await stream.ReceiveTextAsync("agents");
        await Assert.That(full.GetProperty("agents").GetArrayLength()).IsEqualTo(0);
        await stream.ReceiveBinaryAsync(); // the complete frame on connect

        for (var t = 0; t < 3600; t++) time.Advance(TimeSpan.FromSeconds(1.0 / 60)); // a minute

        await stream.Socket.SendAsync(Encoding.UTF8.GetBytes("""{"type":"set_rate","hz":30}"""), WebSocketMessageType.Text, true, CancellationToken.None);
        var sent = 0;
        while (true)
        {
            var (type, data) = await stream.ReceiveAsync();
            if (type == WebSocketMessageType.Text && Encoding.UTF8.GetString(data).Contains("\"type\":\"rate\"", StringComparison.Ordinal)) break;
            sent++;
        }

        await Assert.That(sent).IsEqualTo(0);
    }

    [Test]
    public async Task An_item_removed_and_held_again_between_two_messages_is_sent_once_as_it_is_now()
    {
        var topic = new KeyedTopic("agents", "agents", logCapacity: 64);
        topic.Upsert("a", """{"id":"a","status":"idle","cpu_usage":1}"""u8);
        topic.Upsert("b", """{"id":"b","cpu_usage":1}"""u8);
        var buffer = new ArrayBufferWriter<byte>();
        var cursor = topic.WriteMessage(-1, buffer, out _);

        // a: changed, gone, back with other fields, changed again; b: changed, gone, back, gone again.
        topic.Upsert("a", """{"id":"a","status":"busy","cpu_usage":1}"""u8);
        topic.Remove("a");
        topic.Upsert("a", """{"id":"a","status":"idle","cpu_usage":5}"""u8);
        topic.Upsert("a", """{"id":"a","status":"idle","cpu_usage":6}"""u8);
        topic.Upsert("b", """{"id":"b","cpu_usage":2}"""u8);
        topic.Remove("b");
        topic.Upsert("b", """{"id":"b","cpu_usage":3}"""u8);
        topic.Remove("b");
        buffer.ResetWrittenCount();
        cursor = topic.WriteMessage(cursor, buffer, out var full);
        await Assert.That(full).IsFalse();
        await Assert.That(Encoding.UTF8.GetString(buffer.WrittenSpan)).IsEqualTo("""{"type":"agents","changed":[{"id":"a","status":"idle","cpu_usage":6}],"removed":["b"]}""");

        // Nothing after it: nothing to send.
        buffer.ResetWrittenCount();
        topic.WriteMessage(cursor, buffer, out _);
        await Assert.That(buffer.WrittenCount).IsEqualTo(0);
    }

    [Test]
    public async Task A_patch_by_handle_changes_its_own_item_only_while_that_item_is_held()
    {
        var topic = new KeyedTopic("agents", "agents", logCapacity: 64);
        topic.Upsert("a", """{"id":"a","status":"idle","cpu_usage":1}"""u8, out var first);
        var buffer = new ArrayBufferWriter<byte>();
        var cursor = topic.WriteMessage(-1, buffer, out _);

        // Held: the handle patches it, as the key would.
        await Assert.That(topic.Patch(first, """{"cpu_usage":2}"""u8)).IsTrue();
        buffer.ResetWrittenCount();
        cursor = topic.WriteMessage(cursor, buffer, out _);
        await Assert.That(Encoding.UTF8.GetString(buffer.WrittenSpan)).IsEqualTo("""{"type":"agents","changed":[{"id":"a","cpu_usage":2}],"removed":[]}""");

        // Removed, then its key held again: that is another item, which the old handle must not touch (nor bring the old back).
        topic.Remove("a");
        await Assert.That(topic.Patch(first, """{"cpu_usage":3}"""u8)).IsFalse();
        await Assert.That(topic.Count).IsEqualTo(0);
        topic.Upsert("a", """{"id":"a","status":"busy","cpu_usage":9}"""u8, out var second);
        await Assert.That(topic.Patch(first, """{"cpu_usage":4}"""u8)).IsFalse();
        await Assert.That(topic.Patch(default(KeyedTopic.Handle), """{"cpu_usage":4}"""u8)).IsFalse();
        await Assert.That(topic.Patch(second, """{"status":"idle"}"""u8)).IsTrue();
        buffer.ResetWrittenCount();
        topic.WriteMessage(-1, buffer, out _);
        await Assert.That(Encoding.UTF8.GetString(buffer.WrittenSpan)).IsEqualTo("""{"type":"agents","full":true,"agents":[{"id":"a","status":"idle","cpu_usage":9}]}""");
    }

    [Test]
    public async Task A_client_behind_the_log_gets_a_full_message_and_costs_the_topic_nothing()
    {
        var topic = new KeyedTopic("agents", "agents", logCapacity: 8);
        topic.Upsert("a", """{"id":"a","cpu_usage":1}"""u8);
        topic.Upsert("b", """{"id":"b","cpu_usage":1}"""u8);
        var buffer = new ArrayBufferWriter<byte>();
        var cursor = topic.WriteMessage(-1, buffer, out var full);
        await Assert.That(full).IsTrue();

        // A few changes: the next message has them, coalesced per item, only the fields that moved.
        topic.Upsert("a", """{"id":"a","cpu_usage":2}"""u8);
        topic.Upsert("a", """{"id":"a","cpu_usage":3}"""u8);
        topic.Upsert("b", """{"id":"b","cpu_usage":1}"""u8); // unchanged: no change at all
        topic.Remove("b");
        buffer.ResetWrittenCount();
        cursor = topic.WriteMessage(cursor, buffer, out full);
        await Assert.That(full).IsFalse();
        await Assert.That(Encoding.UTF8.GetString(buffer.WrittenSpan)).IsEqualTo("""{"type":"agents","changed":[{"id":"a","cpu_usage":3}],"removed":["b"]}""");

        // Nothing new: nothing to send.
        buffer.ResetWrittenCount();
        await Assert.That(topic.WriteMessage(cursor, buffer, out _)).IsEqualTo(cursor);
        await Assert.That(buffer.WrittenCount).IsEqualTo(0);

        // A client that missed more changes than the log holds: the log stays at its bound, the client gets everything.
        for (var i = 0; i < 1000; i++) topic.Upsert("a", Encoding.UTF8.GetBytes($$"""{"id":"a","cpu_usage":{{i + 10}}}"""));
        await Assert.That(topic.LogCount).IsEqualTo(8);
        await Assert.That(topic.Horizon).IsGreaterThan(cursor);
        buffer.ResetWrittenCount();
        topic.WriteMessage(cursor, buffer, out full);
        await Assert.That(full).IsTrue();
        await Assert.That(Encoding.UTF8.GetString(buffer.WrittenSpan)).IsEqualTo("""{"type":"agents","full":true,"agents":[{"id":"a","cpu_usage":1009}]}""");
    }

    [Test]
    public async Task Clients_at_any_point_of_a_log_that_grew_and_wrapped_get_exactly_what_changed_after_them()
    {
        // The log is a ring searched for each client's first change: check every cursor against a model of the changes.
        var topic = new KeyedTopic("agents", "agents", logCapacity: 100);
        var random = new Random(23);
        var changes = new List<(long Sequence, string Key, bool Removed)>();
        var present = new HashSet<string>();
        for (var step = 0; step < 700; step++)
        {
            var key = $"a{random.Next(12)}";
            if (present.Contains(key) && random.Next(6) == 0)
            {
                topic.Remove(key);
                present.Remove(key);
                changes.Add((topic.Sequence, key, true));
            }
            else if (present.Contains(key) && random.Next(3) == 0)
            {
                topic.Patch(key, Encoding.UTF8.GetBytes($$"""{"cpu_usage":{{step}}}"""));
                changes.Add((topic.Sequence, key, false));
            }
            else
            {
                topic.Upsert(key, Encoding.UTF8.GetBytes($$"""{"id":"{{key}}","cpu_usage":{{step}},"status":"s{{step % 3}}"}"""));
                present.Add(key);
                changes.Add((topic.Sequence, key, false));
            }

            if (step < 600) continue;
            var buffer = new ArrayBufferWriter<byte>();
            foreach (var since in new[] { topic.Horizon, topic.Horizon + 1, topic.Sequence - 37, topic.Sequence - 1 })
            {
                buffer.ResetWrittenCount();
                var at = topic.WriteMessage(since, buffer, out var full);
                await Assert.That(full).IsFalse();
                await Assert.That(at).IsEqualTo(topic.Sequence);
                var message = JsonDocument.Parse(buffer.WrittenMemory).RootElement;
                var after = changes.Where(c => c.Sequence > since).ToList();
                var changed = after.Where(c => present.Contains(c.Key)).Select(c => c.Key).ToHashSet();
                var removed = after.Where(c => !present.Contains(c.Key)).Select(c => c.Key).ToHashSet();
                await Assert.That(message.GetProperty("changed").EnumerateArray().Select(a => a.GetProperty("id").GetString()!)).IsEquivalentTo(changed);
                await Assert.That(message.GetProperty("removed").EnumerateArray().Select(a => a.GetString()!)).IsEquivalentTo(removed);
            }
        }

        await Assert.That(topic.LogCount).IsEqualTo(100);
    }
}

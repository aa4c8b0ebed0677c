using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using VisionFlow.Server.Graph;
using VisionFlow.Server.Streaming;
using VisionFlow.Testing;
using VisionFlow.Testing.Hosting;
using static VisionFlow.Testing.JsonPolling;

namespace VisionFlow.Server.Tests;

/// <summary>
/// The graph on <c>/ws</c> (<c>nodes</c>, <c>edges</c>, <c>graph</c>) on a real Kestrel against a real peer: everything
/// <c>GET /api/graph</c> lists once on connect, then only the nodes and edges that came, went or changed; a client that
/// cannot keep up gets what changed meanwhile in one message, as it is now.
/// </summary>
public sealed class GraphTopicsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static string Spawned(string id, string type) => $$$"""{"type":"agent.spawned","data":{"agent_id":"{{{id}}}","type":"{{{type}}}","status":"active"}}""";

    private static string Flow(string from, string to) => $$$"""{"type":"message.flow","data":{"from":"{{{from}}}","to":"{{{to}}}","message_type":"task","size":64}}""";

    private static string Terminated(string id) => $$$"""{"type":"agent.terminated","data":{"agent_id":"{{{id}}}"}}""";

    private static string[] Names(JsonElement item) => [.. item.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    // A value as text, strings unescaped: two writers may escape a label differently.
    private static string Value(JsonElement value) => value.ValueKind == JsonValueKind.String ? "s:" + value.GetString() : value.GetRawText();

    private static bool PowerOfTwo(double weight) => weight > 0 && Math.Log2(weight) == Math.Round(Math.Log2(weight));

    private static string KeyOf(JsonElement item) =>
        item.GetProperty("id") is { ValueKind: JsonValueKind.Number } n ? n.GetUInt32().ToString(CultureInfo.InvariantCulture) : item.GetProperty("id").GetString()!;

    /// <summary>What a topic holds now, by key: its full message as a client would get it.</summary>
    private static Dictionary<string, JsonElement> Held(KeyedTopic topic)
    {
        var buffer = new ArrayBufferWriter<byte>();
        topic.WriteMessage(-1, buffer, out _);
        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.GetProperty(topic.Type).EnumerateArray().ToDictionary(KeyOf);
    }

    /// <summary>Reads <c>nodes</c> messages, applying each to a client's view, until the view holds <paramref name="count"/> agent nodes.</summary>
    private static async Task HoldAgentNodesAsync(StreamClient stream, int count)
    {
        var held = new HashSet<string>();
        while (held.Count != count)
        {
            var message = await stream.ReceiveTextAsync("nodes");
            var full = message.TryGetProperty("full", out _);
            if (full)
            {
                held.Clear();
            }

            foreach (var node in message.GetProperty(full ? "nodes" : "changed").EnumerateArray())
            {
                if (node.TryGetProperty("kind", out var kind) && kind.GetString() == "agent")
                {
                    held.Add(node.GetProperty("id").GetUInt32().ToString(CultureInfo.InvariantCulture));
                }
            }

            if (message.TryGetProperty("removed", out var removed))
            {
                foreach (var key in removed.EnumerateArray())
                {
                    held.Remove(key.GetString()!);
                }
            }
        }
    }

    private static async Task<Dictionary<string, uint>> NodeIdsAsync(RunningServer server, int agents)
    {
        var body = await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == agents, $"{agents} agents over REST");
        return body.GetProperty("agents").EnumerateArray().ToDictionary(a => a.GetProperty("id").GetString()!, a => a.GetProperty("node_id").GetUInt32());
    }

    [Test]
    public async Task On_connect_the_graph_arrives_complete_as_the_rest_graph_lists_it()
    {
        await using var peer = TestPeer.Start("a1", "a2");
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(peer.Port));
        var ids = await NodeIdsAsync(server, 2);
        peer.Push(Flow("a1", "a2"));
        var rest = await WaitForJsonAsync(server.Http, "/api/graph",
            r => r.GetProperty("edges").EnumerateArray().Any(e => e.GetProperty("kind").GetString() == "message_flow")
                && r.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("kind").GetString() == "agent") == 2,
            "both agents and their message flow in /api/graph");

        // The topics hold what the graph lists (the knowledge notes come with the same publication the REST body shows).
        var topics = server.Services.GetRequiredService<StreamTopics>();
        var restNodes = rest.GetProperty("nodes").EnumerateArray().ToDictionary(KeyOf);
        await Eventually.UntilAsync(() => Held(topics.Find("nodes")!).Count == restNodes.Count, "the nodes topic holding every node", Patience,
            seen: () => $"{Held(topics.Find("nodes")!).Count} of {restNodes.Count}");

        await using var stream = await StreamClient.ConnectAsync(server.Address);
        var nodes = await stream.ReceiveTextAsync("nodes");
        var edges = await stream.ReceiveTextAsync("edges");
        var graph = await stream.ReceiveTextAsync("graph");
        await Assert.That(nodes.GetProperty("full").GetBoolean()).IsTrue();
        await Assert.That(edges.GetProperty("full").GetBoolean()).IsTrue();

        var sent = nodes.GetProperty("nodes").EnumerateArray().ToDictionary(KeyOf);
        await Assert.That(sent.Keys).IsEquivalentTo(restNodes.Keys);
        await Assert.That(sent.Values.Count(n => n.GetProperty("kind").GetString() == "knowledge")).IsGreaterThan(0);
        foreach (var (key, node) in sent)
        {
            var twin = restNodes[key];
            foreach (var name in new[] { "kind", "label", "type" })
            {
                await Assert.That(Value(node.GetProperty(name))).IsEqualTo(Value(twin.GetProperty(name)));
            }

            if (node.GetProperty("kind").GetString() == "agent")
            {
                // Its status and staleness are the agents topic's, which carries them by the same node id.
                await Assert.That(Names(node)).IsEquivalentTo(new[] { "id", "kind", "label", "type" });
            }
            else
            {
                await Assert.That(Names(node)).IsEquivalentTo(Names(twin));
                foreach (var property in twin.EnumerateObject())
                {
                    await Assert.That(Value(node.GetProperty(property.Name))).IsEqualTo(Value(property.Value));
                }
            }
        }

        var restEdges = rest.GetProperty("edges").EnumerateArray()
            .ToDictionary(e => $"{e.GetProperty("source").GetUInt32()}-{e.GetProperty("target").GetUInt32()}");
        var sentEdges = edges.GetProperty("edges").EnumerateArray().ToDictionary(KeyOf);
        await Assert.That(sentEdges.Keys).IsEquivalentTo(restEdges.Keys);
        foreach (var (key, edge) in sentEdges)
        {
            await Assert.That(edge.GetProperty("kind").GetString()).IsEqualTo(restEdges[key].GetProperty("kind").GetString());
            await Assert.That(edge.GetProperty("source").GetUInt32()).IsEqualTo(restEdges[key].GetProperty("source").GetUInt32());
        }

        // The flow's weight class: one message weighs 1, halving as it fades.
        var flow = sentEdges[$"{Math.Min(ids["a1"], ids["a2"])}-{Math.Max(ids["a1"], ids["a2"])}"].GetProperty("weight").GetDouble();
        await Assert.That(PowerOfTwo(flow) && flow <= 1.0).IsTrue().Because($"weight {flow}");

        var info = graph.GetProperty("graph").EnumerateArray().Single();
        await Assert.That(info.GetProperty("knowledge_graph_enabled").GetBoolean()).IsEqualTo(rest.GetProperty("knowledge_graph_enabled").GetBoolean());
        await Assert.That(info.GetProperty("agent_graph_available").GetBoolean()).IsTrue();
        await Assert.That(info.GetProperty("agent_graph_unavailable_reason").ValueKind).IsEqualTo(JsonValueKind.Null);
    }

    [Test]
    public async Task Then_only_what_changed_a_node_that_comes_and_goes_and_an_edge_that_comes_reweighs_and_goes()
    {
        await using var peer = TestPeer.Start("a1", "a2");
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(peer.Port));
        var ids = await NodeIdsAsync(server, 2);
        await using var stream = await StreamClient.ConnectAsync(server.Address);
        // The agents reach the topic once the graph shows the agent graph (its loop's publication), which may come after
        // the intake listed them over REST: the client's view is the full message plus what changed after it.
        await HoldAgentNodesAsync(stream, 2);

        // A new agent: its node alone, with everything a page needs to add it.
        peer.Agents["a3"] = "tester";
        peer.Push(Spawned("a3", "tester"));
        var added = await stream.ReceiveTextAsync("nodes", m => m.TryGetProperty("changed", out var c) && c.GetArrayLength() > 0);
        var a3 = added.GetProperty("changed").EnumerateArray().Single();
        var a3Node = a3.GetProperty("id").GetUInt32();
        await Assert.That(a3.GetProperty("kind").GetString()).IsEqualTo("agent");
        await Assert.That(a3.GetProperty("label").GetString()).IsEqualTo("a3");
        await Assert.That(a3.GetProperty("type").GetString()).IsEqualTo("tester");
        await Assert.That(added.GetProperty("removed").GetArrayLength()).IsEqualTo(0);

        // A message between a1 and a3: the edge comes, keyed by its ends (the smaller node id first).
        var key = $"{Math.Min(ids["a1"], a3Node)}-{Math.Max(ids["a1"], a3Node)}";
        peer.Push(Flow("a3", "a1"));
        var came = await stream.ReceiveTextAsync("edges", m => m.TryGetProperty("changed", out var c) && c.EnumerateArray().Any(e => e.GetProperty("id").GetString() == key));
        var edge = came.GetProperty("changed").EnumerateArray().Single(e => e.GetProperty("id").GetString() == key);
        await Assert.That(edge.GetProperty("kind").GetString()).IsEqualTo("message_flow");
        await Assert.That(edge.GetProperty("source").GetUInt32()).IsEqualTo(Math.Min(ids["a1"], a3Node));
        var weight = edge.GetProperty("weight").GetDouble();
        await Assert.That(PowerOfTwo(weight) && weight <= 1.0).IsTrue().Because($"weight {weight}");

        // Three more: the weight class moves up (to 2 or 4 as the intake's reports fall), and only the weight is sent.
        peer.Push(Flow("a1", "a3"));
        peer.Push(Flow("a1", "a3"));
        peer.Push(Flow("a1", "a3"));
        var heavier = await stream.ReceiveTextAsync("edges", m => m.TryGetProperty("changed", out var c)
            && c.EnumerateArray().Any(e => e.GetProperty("id").GetString() == key && e.TryGetProperty("weight", out var w) && w.GetDouble() >= 2.0));
        var reweighed = heavier.GetProperty("changed").EnumerateArray().Single(e => e.GetProperty("id").GetString() == key);
        await Assert.That(Names(reweighed)).IsEquivalentTo(new[] { "id", "weight" });
        await Assert.That(reweighed.GetProperty("weight").GetDouble()).IsGreaterThanOrEqualTo(2.0);

        // The agent goes: its node and its edge go with it, by their keys.
        peer.Agents.TryRemove("a3", out _);
        peer.Push(Terminated("a3"));
        var gone = await stream.ReceiveTextAsync("nodes", m => m.TryGetProperty("removed", out var r) && r.GetArrayLength() > 0);
        await Assert.That(gone.GetProperty("removed").EnumerateArray().Select(r => r.GetString()!)).IsEquivalentTo(new[] { a3Node.ToString(CultureInfo.InvariantCulture) });
        await Assert.That(gone.GetProperty("changed").GetArrayLength()).IsEqualTo(0);
        var edgeGone = await stream.ReceiveTextAsync("edges", m => m.TryGetProperty("removed", out var r) && r.GetArrayLength() > 0);
        await Assert.That(edgeGone.GetProperty("removed").EnumerateArray().Select(r => r.GetString()!)).IsEquivalentTo(new[] { key });

        // And the REST graph agrees: no a3, no edge of it.
        var rest = await WaitForJsonAsync(server.Http, "/api/graph",
            r => r.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("kind").GetString() == "agent") == 2, "a3 gone from /api/graph");
        await Assert.That(rest.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("id").GetUInt32() == a3Node)).IsFalse();
    }

    [Test]
    public async Task A_client_that_cannot_keep_up_gets_what_changed_meanwhile_in_one_message_per_topic()
    {
        await using var peer = TestPeer.Start("a1", "a2");
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(peer.Port));
        var ids = await NodeIdsAsync(server, 2);
        var services = server.Services;
        var topics = services.GetRequiredService<StreamTopics>();
        var nodesTopic = topics.Find("nodes")!;
        var edgesTopic = topics.Find("edges")!;
        var socket = new GatedSocket();
        var session = new PositionStreamSession(socket, services.GetRequiredService<NodeSnapshotHub>(), topics,
            services.GetRequiredService<StreamOptions>(), TimeProvider.System, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = session.RunAsync(stop.Token);
        try
        {
            await Eventually.UntilAsync(() => session.TopicCursor(nodesTopic) == nodesTopic.Sequence && Held(nodesTopic).Count(n => n.Value.GetProperty("kind").GetString() == "agent") == 2,
                "the client holding both agents' nodes", Patience);

            // The client stops taking messages: its send loop gets stuck in a send (a frame's, or this notice's if it was
            // idle). Whatever it was sending is recorded by now; everything recorded later was sent after the release.
            var gate = socket.Close();
            session.EnqueueText("""{"type":"stuck"}"""u8.ToArray());
            await Eventually.UntilAsync(() => socket.Waiting, "the send loop stuck", Patience);
            var stuckAt = socket.Sent.Count;
            var before = session.TopicCursor(nodesTopic);

            // Meanwhile an agent comes, talks and goes, and a1 talks to a2.
            peer.Agents["a3"] = "tester";
            peer.Push(Spawned("a3", "tester"));
            peer.Push(Flow("a1", "a3"));
            peer.Push(Flow("a1", "a2"));
            peer.Push(Flow("a2", "a1"));
            peer.Push(Flow("a1", "a2")); // three: it outlasts the test however slow the machine (a half-life is 5 s)
            await Eventually.UntilAsync(() => Held(nodesTopic).Count(n => n.Value.GetProperty("kind").GetString() == "agent") == 3 && Held(edgesTopic).Count(e => e.Value.GetProperty("kind").GetString() == "message_flow") == 2,
                "a3 and two message flows in the topics", Patience);
            var a3Node = Held(nodesTopic).Single(n => n.Value.GetProperty("label").GetString() == "a3").Value.GetProperty("id").GetUInt32();
            peer.Agents.TryRemove("a3", out _);
            peer.Push(Terminated("a3"));
            await Eventually.UntilAsync(() => Held(nodesTopic).Count(n => n.Value.GetProperty("kind").GetString() == "agent") == 2 && Held(edgesTopic).Count(e => e.Value.GetProperty("kind").GetString() == "message_flow") == 1,
                "a3 and its edge gone from the topics", Patience);

            // Nothing was sent to it meanwhile, and it costs the topic nothing: the session holds the sequence it was sent.
            await Assert.That(session.TopicCursor(nodesTopic)).IsEqualTo(before);
            await Assert.That(socket.Sent.Count).IsEqualTo(stuckAt);

            gate.SetResult();
            await Eventually.UntilAsync(() => session.TopicCursor(nodesTopic) == nodesTopic.Sequence && session.TopicCursor(edgesTopic) == edgesTopic.Sequence,
                "the client caught up", Patience);

            var after = socket.Sent.Skip(stuckAt).Select(m => JsonDocument.Parse(m).RootElement).ToArray();
            var nodes = after.Where(m => m.GetProperty("type").GetString() == "nodes").ToArray();
            await Assert.That(nodes.Length).IsEqualTo(1).Because("what changed while it was stuck is one message");
            await Assert.That(nodes[0].TryGetProperty("full", out _)).IsFalse();
            await Assert.That(nodes[0].GetProperty("removed").EnumerateArray().Select(r => r.GetString()!)).IsEquivalentTo(new[] { a3Node.ToString(CultureInfo.InvariantCulture) });
            await Assert.That(nodes[0].GetProperty("changed").GetArrayLength()).IsEqualTo(0).Because("a node that came and went is not sent as added");

            var edges = after.First(m => m.GetProperty("type").GetString() == "edges");
            var a1a2 = $"{Math.Min(ids["a1"], ids["a2"])}-{Math.Max(ids["a1"], ids["a2"])}";
            var a1a3 = $"{Math.Min(ids["a1"], a3Node)}-{Math.Max(ids["a1"], a3Node)}";
            await Assert.That(edges.GetProperty("changed").EnumerateArray().Select(e => e.GetProperty("id").GetString()!)).IsEquivalentTo(new[] { a1a2 });
            await Assert.That(edges.GetProperty("removed").EnumerateArray().Select(r => r.GetString()!)).IsEquivalentTo(new[] { a1a3 });
        }
        finally
        {
            socket.Open();
            await stop.CancelAsync();
            try
            {
                await run;
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }
    }

    [Test]
    public async Task Swarm_and_task_hubs_and_their_edges_arrive_as_they_come_and_match_the_rest_graph()
    {
        await using var swarm = SimulatedSwarm.Start();
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(swarm) with { StructurePollInterval = TimeSpan.FromMinutes(10) });
        await WaitForJsonAsync(server.Http, "/api/bots/status", r => r.GetProperty("mcp_state").GetString() == "connected", "a connection");
        await using var stream = await StreamClient.ConnectAsync(server.Address);
        var held = new PageGraph();
        using var stop = new CancellationTokenSource();
        var reading = held.ReadAsync(stream, stop.Token);
        try
        {
            await Eventually.UntilAsync(() => held.Full, "the graph's full messages", Patience);
            using var init = await server.Http.PostAsync("/api/bots/multi-agent/init", Json("""{"topology":"mesh","max_agents":4,"agent_types":["coder","tester"]}"""));
            await Assert.That(init.IsSuccessStatusCode).IsTrue();
            var body = JsonDocument.Parse(await init.Content.ReadAsStringAsync()).RootElement;
            var swarmId = body.GetProperty("id").GetString()!;
            var agentId = body.GetProperty("agent_ids")[0].GetString()!;
            using var create = await server.Http.PostAsync("/api/bots/tasks", Json($$"""{"description":"review the diff","priority":"high","agent_ids":["{{agentId}}"]}"""));
            await Assert.That(create.IsSuccessStatusCode).IsTrue();
            var taskId = JsonDocument.Parse(await create.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

            // The page's copy, built from the messages alone, holds the hubs and their edges as /api/graph lists them.
            static bool Hub(string kind) => kind is "swarm" or "task";
            static bool HubEdge(string kind) => kind is "membership" or "assignment";
            string last = string.Empty;
            await Eventually.UntilAsync(async () =>
            {
                var rest = JsonDocument.Parse(await server.Http.GetStringAsync("/api/graph")).RootElement;
                var restHubs = rest.GetProperty("nodes").EnumerateArray().Where(n => Hub(n.GetProperty("kind").GetString()!))
                    .Select(n => $"{n.GetProperty("id").GetUInt32()}:{n.GetProperty("kind").GetString()}:{n.GetProperty("label").GetString()}:{n.GetProperty("status").GetString()}").Order().ToArray();
                var restEdges = rest.GetProperty("edges").EnumerateArray().Where(e => HubEdge(e.GetProperty("kind").GetString()!))
                    .Select(e => $"{e.GetProperty("source").GetUInt32()}-{e.GetProperty("target").GetUInt32()}:{e.GetProperty("kind").GetString()}").Order().ToArray();
                var (hubs, edges) = held.Snapshot(Hub, HubEdge);
                last = $"REST {string.Join(", ", restHubs)} | {restEdges.Length} hub edges; /ws {string.Join(", ", hubs)} | {edges.Length} hub edges";
                return restHubs.Any(h => h.Contains($":swarm:{swarmId}:", StringComparison.Ordinal))
                    && restHubs.Any(h => h.Contains($":task:{taskId}:", StringComparison.Ordinal))
                    && restEdges.Any(e => e.EndsWith(":assignment", StringComparison.Ordinal))
                    && restHubs.SequenceEqual(hubs) && restEdges.SequenceEqual(edges);
            }, "the hubs and their edges on /ws as in /api/graph", Patience, pollMilliseconds: 100, seen: () => last);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await reading;
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
                // Stopped.
            }
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>The graph as a page holds it from the <c>nodes</c> and <c>edges</c> messages alone (full, then changes merged).</summary>
    private sealed class PageGraph
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, Dictionary<string, JsonElement>> _nodes = [];
        private readonly Dictionary<string, Dictionary<string, JsonElement>> _edges = [];
        private int _full;

        public bool Full => Volatile.Read(ref _full) == 2;

        public async Task ReadAsync(StreamClient stream, CancellationToken ct)
        {
            while (!ct.IsCancellationRequested)
            {
                var (type, data) = await stream.ReceiveAsync().WaitAsync(ct);
                if (type != WebSocketMessageType.Text) continue;
                var message = JsonDocument.Parse(data).RootElement;
                var kind = message.GetProperty("type").GetString();
                var items = kind == "nodes" ? _nodes : kind == "edges" ? _edges : null;
                if (items is null) continue;
                lock (_gate)
                {
                    if (message.TryGetProperty("full", out _))
                    {
                        items.Clear();
                        foreach (var item in message.GetProperty(kind!).EnumerateArray()) items[KeyOf(item)] = item.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
                        Interlocked.Increment(ref _full);
                        continue;
                    }

                    foreach (var key in message.GetProperty("removed").EnumerateArray()) items.Remove(key.GetString()!);
                    foreach (var item in message.GetProperty("changed").EnumerateArray())
                    {
                        var fields = items.TryGetValue(KeyOf(item), out var known) ? known : items[KeyOf(item)] = [];
                        foreach (var p in item.EnumerateObject()) fields[p.Name] = p.Value.Clone();
                    }
                }
            }
        }

        public (string[] Hubs, string[] Edges) Snapshot(Func<string, bool> hub, Func<string, bool> hubEdge)
        {
            lock (_gate)
            {
                var hubs = _nodes.Values.Where(n => hub(n["kind"].GetString()!))
                    .Select(n => $"{n["id"].GetUInt32()}:{n["kind"].GetString()}:{n["label"].GetString()}:{n["status"].GetString()}").Order().ToArray();
                var edges = _edges.Values.Where(e => hubEdge(e["kind"].GetString()!))
                    .Select(e => $"{e["source"].GetUInt32()}-{e["target"].GetUInt32()}:{e["kind"].GetString()}").Order().ToArray();
                return (hubs, edges);
            }
        }
    }

    [Test]
    public async Task A_flows_weight_class_moves_by_octaves_with_a_factor_of_two_either_way_and_fading_is_one_class()
    {
        // New edges: the nearest power of two, one message's worth and less being 1 and 1/2.
        await Assert.That(GraphTopics.WeightClass(1.0, 0f)).IsEqualTo(1f);
        await Assert.That(GraphTopics.WeightClass(3.1, 0f)).IsEqualTo(4f);
        await Assert.That(GraphTopics.WeightClass(0.06, 0f)).IsEqualTo(0.5f);
        await Assert.That(GraphTopics.WeightClass(1000, 0f)).IsEqualTo(64f);

        // Held while within a factor of two: the noise of a steady conversation sends nothing.
        await Assert.That(GraphTopics.WeightClass(1.9, 1f)).IsEqualTo(1f);
        await Assert.That(GraphTopics.WeightClass(0.51, 1f)).IsEqualTo(1f);
        await Assert.That(GraphTopics.WeightClass(2.0, 1f)).IsEqualTo(2f);
        await Assert.That(GraphTopics.WeightClass(0.5, 1f)).IsEqualTo(0.5f);

        // A fading edge stays at 1/2 down to the floor where it goes: one change on its way out, not one per half-life.
        await Assert.That(GraphTopics.WeightClass(0.24, 0.5f)).IsEqualTo(0.5f);
        await Assert.That(GraphTopics.WeightClass(0.06, 0.5f)).IsEqualTo(0.5f);
        await Assert.That(GraphTopics.EdgeKey(2147483649u, 2147483650u)).IsEqualTo("2147483649-2147483650");
    }

    /// <summary>A client whose sends can be held (a stuck or slow peer); every message it was sent, as text.</summary>
    private sealed class GatedSocket : WebSocket
    {
        private TaskCompletionSource? _gate;
        private int _waiting;

        /// <summary>A send is held at the gate now.</summary>
        public bool Waiting => Volatile.Read(ref _waiting) > 0;

        public ConcurrentQueue<string> Sent { get; } = new();

        public override WebSocketCloseStatus? CloseStatus => null;

        public override string? CloseStatusDescription => null;

        public override WebSocketState State => WebSocketState.Open;

        public override string? SubProtocol => null;

        /// <summary>Holds every send from now until the returned source is completed.</summary>
        public TaskCompletionSource Close()
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _gate, gate);
            return gate;
        }

        public void Open() => Interlocked.Exchange(ref _gate, null)?.TrySetResult();

        public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            if (messageType == WebSocketMessageType.Text) Sent.Enqueue(Encoding.UTF8.GetString(buffer));
            if (Volatile.Read(ref _gate) is not { } gate || gate.Task.IsCompleted) return;
            Interlocked.Increment(ref _waiting);
            try
            {
                await gate.Task.WaitAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }

        public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new OperationCanceledException(cancellationToken);
        }

        public override void Abort()
        {
        }

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Dispose()
        {
        }
    }
}

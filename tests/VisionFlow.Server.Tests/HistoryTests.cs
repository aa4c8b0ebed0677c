using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VisionFlow.History.Query;
using VisionFlow.Server.History;
using VisionFlow.Server.Streaming;
using VisionFlow.Testing;
using VisionFlow.Testing.Hosting;
using static VisionFlow.Testing.JsonPolling;

namespace VisionFlow.Server.Tests;

/// <summary>
/// History wired into the service, against the simulator over real TCP: what happens (agents spawned and terminated
/// through our API, the link lost and back) is recorded, <c>/api/history/state?at=</c> gives back a moment in between
/// as it was, commands are recorded with their answers and client, bad questions get a 400 naming the parameter, and an
/// export replays read-only.
/// </summary>
public sealed class HistoryTests
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset At(JsonElement e) => e.GetProperty("at").GetDateTimeOffset();

    /// <summary>Every event of the given kinds recorded so far (all pages).</summary>
    internal static async Task<List<JsonElement>> EventsAsync(HttpClient http, string kinds)
    {
        var events = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = JsonDocument.Parse(await http.GetStringAsync($"/api/history/events?kinds={kinds}&limit=200" + (cursor is null ? "" : $"&cursor={cursor}"))).RootElement;
            events.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.Clone()));
            cursor = page.GetProperty("next").GetString();
        }
        while (cursor is not null);
        return events;
    }

    private static Task<JsonElement> StateAsync(HttpClient http, DateTimeOffset at) =>
        WaitForJsonAsync(http, $"/api/history/state?at={Uri.EscapeDataString(Iso(at))}", _ => true, "a state");

    [Test]
    public async Task Spawns_terminations_and_an_outage_are_recorded_and_a_moment_between_is_given_back_as_it_was()
    {
        await using var swarm = SimulatedSwarm.Start();
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(swarm));
        await WaitForJsonAsync(server.Http, "/api/bots/status", r => r.GetProperty("mcp_state").GetString() == "connected", "a connection");

        using var spawnA = await server.Http.PostAsync("/api/bots/agents", Json("{\"type\":\"coder\"}"));
        await Assert.That(spawnA.StatusCode).IsEqualTo(HttpStatusCode.Created);
        var a = JsonDocument.Parse(await spawnA.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        using var spawnB = await server.Http.PostAsync("/api/bots/agents", Json("{\"type\":\"tester\"}"));
        var b = JsonDocument.Parse(await spawnB.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 2, "2 agents");
        using var terminate = await server.Http.DeleteAsync($"/api/bots/agents/{a}");
        await Assert.That(terminate.IsSuccessStatusCode).IsTrue();
        await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 1, "1 agent");

        // The link goes down (the level drops) and comes back with a fresh server.
        // What the tap took in reaches the file within a flush; the events say when each thing happened. The outage is
        // recorded (B gone with the link, the level down) before the server comes back, whatever the load.
        var recorder = server.Services.GetRequiredService<HistoryService>().Recorder!;
        List<JsonElement> events = [];
        await swarm.KillAsync();
        await WaitForJsonAsync(server.Http, "/api/bots/agents", r => !r.GetProperty("available").GetBoolean(), "the agents unavailable");
        await Eventually.UntilAsync(
            async () =>
            {
                await recorder.FlushAsync();
                events = await EventsAsync(server.Http, "agent,degradation,link");
                return events.Any(e => e.GetProperty("kind").GetString() == "degradation")
                    && events.Any(e => e.GetProperty("kind").GetString() == "link" && e.GetProperty("state").GetString() != "connected")
                    && events.Any(e => e.GetProperty("operation").GetString() == "removed" && e.GetProperty("id").GetString() == b);
            },
            "the outage recorded",
            TimeSpan.FromSeconds(30),
            pollMilliseconds: 50);
        swarm.StartServer();
        await WaitForJsonAsync(server.Http, "/api/health/network", r => r.GetProperty("degradation_level").GetString() == "fully_operational", "recovery");

        await Eventually.UntilAsync(
            async () =>
            {
                await recorder.FlushAsync();
                events = await EventsAsync(server.Http, "agent,degradation,link,command");
                return events.Any(e => e.GetProperty("kind").GetString() == "degradation" && e.GetProperty("to").GetString() == "fully_operational");
            },
            "the recovery recorded",
            TimeSpan.FromSeconds(30),
            pollMilliseconds: 50);

        JsonElement Single(Func<JsonElement, bool> match, string what) =>
            events.FirstOrDefault(match) is { ValueKind: JsonValueKind.Object } e ? e : throw new InvalidOperationException($"no {what} among {events.Count} events: {string.Join(" | ", events.Select(x => x.GetRawText()))}");

        var addedB = At(Single(e => e.GetProperty("kind").GetString() == "agent" && e.GetProperty("operation").GetString() == "added" && e.GetProperty("id").GetString() == b, "B added"));
        var removedA = At(Single(e => e.GetProperty("kind").GetString() == "agent" && e.GetProperty("operation").GetString() == "removed" && e.GetProperty("id").GetString() == a, "A removed"));
        var degraded = Single(e => e.GetProperty("kind").GetString() == "degradation" && e.GetProperty("to").GetString() != "fully_operational", "the drop");
        var recovered = At(events.Last(e => e.GetProperty("kind").GetString() == "degradation" && e.GetProperty("to").GetString() == "fully_operational"));
        await Assert.That(addedB).IsLessThan(removedA);
        await Assert.That(removedA).IsLessThan(At(degraded));

        // Just before A went: A and B, the level fully operational, the link connected.
        var both = await StateAsync(server.Http, removedA.AddTicks(-10));
        await Assert.That(both.GetProperty("outcome").GetString()).IsEqualTo("recorded");
        await Assert.That(both.GetProperty("agents").EnumerateArray().Select(x => x.GetProperty("id").GetString()!)).IsEquivalentTo(new[] { a, b });
        await Assert.That(both.GetProperty("agents").EnumerateArray().Single(x => x.GetProperty("id").GetString() == b).GetProperty("type").GetString()).IsEqualTo("tester");
        await Assert.That(both.GetProperty("degradation_level").GetString()).IsEqualTo("fully_operational");
        await Assert.That(both.GetProperty("link").GetProperty("state").GetString()).IsEqualTo("connected");

        // During the outage: the lower level, the link not connected, no agents (MCP down: empty, never invented).
        var linkLost = At(Single(e => e.GetProperty("kind").GetString() == "link" && e.GetProperty("state").GetString() != "connected" && At(e) > removedA, "the link lost"));
        var removedB = At(Single(e => e.GetProperty("kind").GetString() == "agent" && e.GetProperty("operation").GetString() == "removed" && e.GetProperty("id").GetString() == b, "B removed"));
        var outageAt = new[] { At(degraded), linkLost, removedB }.Max();
        await Assert.That(outageAt).IsLessThan(recovered);
        var outage = await StateAsync(server.Http, outageAt);
        // The level falls in steps: the one then is the last transition at or before that moment, and not the full one.
        var levelThen = events.Last(e => e.GetProperty("kind").GetString() == "degradation" && At(e) <= outageAt).GetProperty("to").GetString();
        await Assert.That(levelThen).IsNotEqualTo("fully_operational");
        await Assert.That(outage.GetProperty("degradation_level").GetString()).IsEqualTo(levelThen);
        await Assert.That(outage.GetProperty("link").GetProperty("state").GetString()).IsNotEqualTo("connected");
        await Assert.That(outage.GetProperty("agents").GetArrayLength()).IsEqualTo(0);

        // After: the fresh server's (none), fully operational again.
        var after = await StateAsync(server.Http, recovered);
        await Assert.That(after.GetProperty("degradation_level").GetString()).IsEqualTo("fully_operational");

        // The commands with their answers and the client that sent them.
        var commands = events.Where(e => e.GetProperty("kind").GetString() == "command").ToList();
        await Assert.That(commands.Count(c => c.GetProperty("operation").GetString() == "POST /api/bots/agents" && c.GetProperty("status").GetInt32() == 201)).IsEqualTo(2);
        var deleted = commands.Single(c => c.GetProperty("operation").GetString() == "DELETE /api/bots/agents/{id}");
        await Assert.That(deleted.GetProperty("id").GetString()).IsEqualTo(a);
        await Assert.That(deleted.GetProperty("status").GetInt32()).IsEqualTo((int)terminate.StatusCode);
        await Assert.That(commands[0].GetProperty("client").GetString()).StartsWith("127.0.0.1");
        await Assert.That(commands[0].GetProperty("request").GetString()).Contains("coder");
        await Assert.That(commands[0].GetProperty("answer").GetString()).Contains(a);

        // One agent's story.
        var story = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/history/events?agent_id={a}")).RootElement.GetProperty("events");
        await Assert.That(story.EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).Distinct()).IsEquivalentTo(new[] { "agent", "command" });

        using var health = JsonDocument.Parse(await server.Http.GetStringAsync("/api/health"));
        var line = health.RootElement.GetProperty("subsystems").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "history");
        await Assert.That(line.GetProperty("state").GetString()).IsEqualTo("up");
        await Assert.That(line.GetProperty("detail").GetString()).StartsWith("recording to ");
    }

    [Test]
    public async Task A_last_gauge_reading_before_the_swarm_goes_quiet_is_recorded_when_it_came()
    {
        await using var peer = TestPeer.Start("a1");
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(peer.Port));
        await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 1, "the agent");
        var recorder = server.Services.GetRequiredService<HistoryService>().Recorder!;

        // Gauge-only updates are described together at most twice a second: the first after a quiet spell goes at once,
        // one right after it is held. Nothing follows it here, so no later batch can carry it: it must still be recorded
        // then (on the intake's housekeeping wake), not five seconds on with the agent going stale.
        peer.Push("""{"type":"agent.status","data":{"agent_id":"a1","cpu_usage":10.0}}""");
        await Eventually.UntilAsync(async () =>
        {
            await recorder.FlushAsync();
            return (await EventsAsync(server.Http, "agent")).Any(e => e.GetProperty("fields").TryGetProperty("cpu_usage", out var c) && c.GetString() == "10");
        }, "the first reading recorded", TimeSpan.FromSeconds(30), pollMilliseconds: 50);
        peer.Push("""{"type":"agent.status","data":{"agent_id":"a1","cpu_usage":42.5}}""");

        JsonElement last = default;
        await Eventually.UntilAsync(async () =>
        {
            await recorder.FlushAsync();
            last = (await EventsAsync(server.Http, "agent")).LastOrDefault(e => e.GetProperty("fields").TryGetProperty("cpu_usage", out var c) && c.GetString() == "42.5");
            return last.ValueKind == JsonValueKind.Object;
        }, "the last reading recorded", TimeSpan.FromSeconds(30), pollMilliseconds: 50);
        await Assert.That(last.GetProperty("fields").TryGetProperty("stale", out _)).IsFalse();
    }

    [Test]
    public async Task An_update_that_changed_only_the_status_records_the_status_and_last_seen_and_the_state_after_it_is_whole()
    {
        await using var peer = TestPeer.Start("a1");
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(peer.Port));
        await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 1, "the agent");
        var recorder = server.Services.GetRequiredService<HistoryService>().Recorder!;

        // Every field known (gauges too), and recorded (the gauges within their interval) before the status changes alone.
        peer.Push("""{"type":"agent.status","data":{"agent_id":"a1","status":"idle","cpu_usage":12.5,"memory_usage":40.0,"tasks_active":2,"tokens_used":1500,"health":0.75,"model":"claude-opus-4","swarm_id":"swarm-7","created_at":"2026-12-07T10:00:00Z"}}""");
        await Eventually.UntilAsync(async () =>
        {
            await recorder.FlushAsync();
            var fields = (await EventsAsync(server.Http, "agent")).Where(e => e.GetProperty("id").GetString() == "a1").Select(e => e.GetProperty("fields")).ToList();
            return fields.Any(f => f.TryGetProperty("status", out var s) && s.GetString() == "idle")
                && fields.Any(f => f.TryGetProperty("cpu_usage", out var c) && c.GetString() == "12.5");
        }, "the full update recorded", TimeSpan.FromSeconds(30), pollMilliseconds: 50);

        peer.Push("""{"type":"agent.status","data":{"agent_id":"a1","status":"busy"}}""");
        JsonElement busy = default;
        await Eventually.UntilAsync(async () =>
        {
            await recorder.FlushAsync();
            busy = (await EventsAsync(server.Http, "agent")).LastOrDefault(e => e.GetProperty("fields").TryGetProperty("status", out var s) && s.GetString() == "busy");
            return busy.ValueKind == JsonValueKind.Object;
        }, "the status change recorded", TimeSpan.FromSeconds(30), pollMilliseconds: 50);

        // Only what changed: the status, and when the agent was last heard.
        await Assert.That(busy.GetProperty("operation").GetString()).IsEqualTo("changed");
        await Assert.That(busy.GetProperty("fields").EnumerateObject().Select(p => p.Name)).IsEquivalentTo(new[] { "status", "last_seen" });

        // The state after it is the agent as the live API gives it, every field (last_seen to the store's microsecond).
        var live = JsonDocument.Parse(await server.Http.GetStringAsync("/api/bots/agents")).RootElement.GetProperty("agents").EnumerateArray().Single();
        var asked = DateTimeOffset.UtcNow;
        await recorder.FlushAsync();
        var then = (await StateAsync(server.Http, asked)).GetProperty("agents").EnumerateArray().Single();
        await Assert.That(then.GetProperty("status").GetString()).IsEqualTo("busy");
        var liveFields = live.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText());
        var thenFields = then.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText());
        static string Micros(string iso) => JsonDocument.Parse(iso).RootElement.GetDateTimeOffset().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)
            + (JsonDocument.Parse(iso).RootElement.GetDateTimeOffset().Ticks / 10 % 1000).ToString("000", CultureInfo.InvariantCulture);
        liveFields["last_seen"] = Micros(liveFields["last_seen"]);
        thenFields["last_seen"] = Micros(thenFields["last_seen"]);
        await Assert.That(thenFields).IsEquivalentTo(liveFields);
        await Assert.That(live.GetProperty("model").GetString()).IsEqualTo("claude-opus-4");
        await Assert.That(live.GetProperty("cpu_usage").GetDouble()).IsEqualTo(12.5);
    }

    [Test]
    public async Task A_message_flow_is_recorded_by_the_weight_class_the_live_graph_draws_with_its_counts()
    {
        await using var peer = TestPeer.Start("a1", "a2");
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(peer.Port));
        await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 2, "the agents");
        var recorder = server.Services.GetRequiredService<HistoryService>().Recorder!;
        var edgesTopic = server.Services.GetRequiredService<StreamTopics>().Find("edges")!;

        // One message: a flow of weight 1, decaying. The live graph (/ws) carries its class, a power of two held while the
        // weight stays within a factor of two of it; the recording holds the same, and the counts.
        peer.Push("""{"type":"message.flow","data":{"from":"a2","to":"a1","message_type":"task","size":64}}""");
        JsonElement edge = default;
        double? live = null;
        await Eventually.UntilAsync(async () =>
        {
            await recorder.FlushAsync();
            var buffer = new ArrayBufferWriter<byte>();
            edgesTopic.WriteMessage(-1, buffer, out _);
            live = JsonDocument.Parse(buffer.WrittenMemory).RootElement.GetProperty("edges").EnumerateArray()
                .Where(e => e.GetProperty("kind").GetString() == "message_flow").Select(e => (double?)e.GetProperty("weight").GetDouble()).FirstOrDefault();
            edge = (await StateAsync(server.Http, DateTimeOffset.UtcNow)).GetProperty("edges").EnumerateArray().FirstOrDefault();
            return edge.ValueKind == JsonValueKind.Object && live is not null && edge.GetProperty("weight").GetDouble() == live;
        }, "the edge recorded with the class the live graph has", TimeSpan.FromSeconds(30), pollMilliseconds: 50, seen: () => $"recorded {edge}, live {live}");

        await Assert.That(new[] { edge.GetProperty("source").GetString()!, edge.GetProperty("target").GetString()! }).IsEquivalentTo(new[] { "a1", "a2" });
        var weight = edge.GetProperty("weight").GetDouble();
        await Assert.That(Math.Log2(weight)).IsEqualTo(Math.Round(Math.Log2(weight)));
        await Assert.That(edge.GetProperty("messages").GetInt64()).IsEqualTo(1);
        await Assert.That(edge.GetProperty("bytes").GetInt64()).IsEqualTo(64);
    }

    [Test]
    public async Task Swarms_and_tasks_the_server_reports_are_recorded_and_given_back_at_a_moment()
    {
        await using var swarm = SimulatedSwarm.Start();
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(swarm));
        await WaitForJsonAsync(server.Http, "/api/bots/status", r => r.GetProperty("mcp_state").GetString() == "connected", "a connection");
        using var init = await server.Http.PostAsync("/api/bots/multi-agent/init", Json("""{"topology":"mesh","max_agents":4,"agent_types":["coder"]}"""));
        await Assert.That(init.StatusCode).IsEqualTo(HttpStatusCode.Created);
        var swarmId = JsonDocument.Parse(await init.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        using var create = await server.Http.PostAsync("/api/bots/tasks", Json("""{"description":"review the diff","priority":"high"}"""));
        await Assert.That(create.StatusCode).IsEqualTo(HttpStatusCode.Created);
        var taskId = JsonDocument.Parse(await create.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        // The structure tracker read both after the commands; the tap records its change sets as swarm and task records.
        var recorder = server.Services.GetRequiredService<HistoryService>().Recorder!;
        JsonElement state = default;
        await Eventually.UntilAsync(
            async () =>
            {
                await recorder.FlushAsync();
                var last = JsonDocument.Parse(await server.Http.GetStringAsync("/api/history")).RootElement.GetProperty("last").GetDateTimeOffset();
                state = await StateAsync(server.Http, last);
                return state.GetProperty("swarms").EnumerateArray().Any(x => x.GetProperty("id").GetString() == swarmId)
                    && state.GetProperty("tasks").EnumerateArray().Any(x => x.GetProperty("id").GetString() == taskId);
            },
            "the swarm and the task recorded",
            TimeSpan.FromSeconds(30),
            pollMilliseconds: 50);
        var task = state.GetProperty("tasks").EnumerateArray().Single(x => x.GetProperty("id").GetString() == taskId);
        await Assert.That(task.GetProperty("description").GetString()).IsEqualTo("review the diff");
        await Assert.That(state.GetProperty("swarms").EnumerateArray().Single(x => x.GetProperty("id").GetString() == swarmId).GetProperty("topology").GetString()).IsEqualTo("mesh");
    }

    [Test]
    public async Task Bad_moments_get_a_400_naming_the_parameter_and_a_moment_outside_the_recording_says_so()
    {
        await using var server = await RunningServer.StartAsync(new Configuration.ServerOptions { EnableMcp = false, PhysicsBackend = "cpu" });
        var recorder = server.Services.GetRequiredService<HistoryService>().Recorder!;
        await recorder.FlushAsync();

        foreach (var (path, parameter) in new[]
        {
            ("/api/history/state", "at"),
            ("/api/history/state?at=yesterday", "at"),
            ("/api/history/state?at=2026-13-45T99:00:00Z", "at"),
            ("/api/history/events?from=12/07/2026", "from"),
            ("/api/history/events?to=soon", "to"),
            ("/api/history/events?limit=0", "limit"),
            ("/api/history/events?kinds=agent,robot", "kinds"),
            ("/api/history/events?cursor=xyz", "cursor"),
            ("/api/history/export?from=nope", "from"),
            ("/api/history/events?from=2026-12-07T10:00:00Z&to=2026-12-07T09:00:00Z", "to"),
        })
        {
            using var response = await server.Http.GetAsync(path);
            await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest).Because(path);
            var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
            await Assert.That(detail).StartsWith(parameter).Because($"{path}: {detail}");
        }

        using var before = await server.Http.GetAsync("/api/history/state?at=2000-01-01T00:00:00Z");
        await Assert.That(before.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(await before.Content.ReadAsStringAsync()).Contains("before the first record");

        var later = await StateAsync(server.Http, DateTimeOffset.UtcNow.AddDays(1));
        await Assert.That(later.GetProperty("outcome").GetString()).IsEqualTo("after_last");
    }

    [Test]
    public async Task An_export_replays_read_only_with_commands_refused()
    {
        string file;
        DateTimeOffset spawned;
        string id;
        await using (var swarm = SimulatedSwarm.Start())
        await using (var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(swarm)))
        {
            await WaitForJsonAsync(server.Http, "/api/bots/status", r => r.GetProperty("mcp_state").GetString() == "connected", "a connection");
            using var spawn = await server.Http.PostAsync("/api/bots/agents", Json("{\"type\":\"analyst\"}"));
            id = JsonDocument.Parse(await spawn.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
            await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 1, "the agent");
            var recorder = server.Services.GetRequiredService<HistoryService>().Recorder!;
            DateTimeOffset? found = null;
            await Eventually.UntilAsync(
                async () =>
                {
                    await recorder.FlushAsync();
                    var added = (await EventsAsync(server.Http, "agent")).FirstOrDefault(e => e.GetProperty("id").GetString() == id);
                    found = added.ValueKind == JsonValueKind.Object ? At(added) : null;
                    return found is not null;
                },
                "the agent recorded",
                TimeSpan.FromSeconds(30),
                pollMilliseconds: 50);
            spawned = found!.Value;

            using var export = await server.Http.GetAsync("/api/history/export");
            await Assert.That(export.StatusCode).IsEqualTo(HttpStatusCode.OK);
            var bytes = await export.Content.ReadAsByteArrayAsync();
            await Assert.That(Encoding.ASCII.GetString(bytes, 0, 8)).IsEqualTo("VFHIST\r\n");
            file = Path.Combine(Path.GetTempPath(), $"vf-export-{Guid.NewGuid():N}.vfh");
            await File.WriteAllBytesAsync(file, bytes);
        }

        try
        {
            var recording = RecordingFile.Open(file, out var error) ?? throw new InvalidOperationException(error);
            await using var replay = await RunningServer.StartAsync(new Configuration.ServerOptions { EnableMcp = false, PhysicsBackend = "cpu" }, replay: HistoryService.Replay(file, recording));
            var summary = JsonDocument.Parse(await replay.Http.GetStringAsync("/api/history")).RootElement;
            await Assert.That(summary.GetProperty("mode").GetString()).IsEqualTo("replay");
            var state = await StateAsync(replay.Http, spawned);
            await Assert.That(state.GetProperty("agents").EnumerateArray().Select(x => x.GetProperty("id").GetString())).Contains(id);

            using var command = await replay.Http.PostAsync("/api/bots/agents", Json("{\"type\":\"coder\"}"));
            await Assert.That(command.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
            await Assert.That(await command.Content.ReadAsStringAsync()).Contains("replay");
            using var health = JsonDocument.Parse(await replay.Http.GetStringAsync("/api/health"));
            await Assert.That(health.RootElement.GetProperty("subsystems").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "history").GetProperty("detail").GetString()).StartsWith("replaying");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    [NotInParallel("tmpfs")]
    public async Task A_full_disk_pauses_recording_with_the_health_line_and_the_service_keeps_serving()
    {
        using var disk = SmallDisk.TryMount("1m");
        if (disk is null)
        {
            Skip.Test("mounting a size-limited tmpfs needs root (CI runs as root)");
            return;
        }

        await using var swarm = SimulatedSwarm.Start(agents: 200);
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(swarm, maxAgents: 200) with { HistoryFolder = Path.Combine(disk.Path, "history") });
        await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 200, "200 agents");

        // Something else takes the rest of the disk; the agents' telemetry goes on changing, so the next frame fails.
        var filler = disk.Fill();
        var paused = await WaitForJsonAsync(server.Http, "/api/health", r => History(r).GetProperty("state").GetString() == "degraded", "history paused");
        await Assert.That(History(paused).GetProperty("detail").GetString()).StartsWith("paused (disk full)");
        await Assert.That(paused.GetProperty("status").GetString()).IsEqualTo("degraded");

        // Everything else goes on: the agents, the graph, history's own answers.
        var agents = await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 200, "the agents while paused");
        await Assert.That(agents.GetProperty("available").GetBoolean()).IsTrue();
        using (var graph = await server.Http.GetAsync("/api/graph"))
        {
            await Assert.That(graph.StatusCode).IsEqualTo(HttpStatusCode.OK);
        }

        var summary = JsonDocument.Parse(await server.Http.GetStringAsync("/api/history")).RootElement;
        await Assert.That(summary.GetProperty("recording").GetString()).IsEqualTo("paused (disk full)");

        // Room again: recording resumes by itself (a keyframe of the state then, and a gap saying why).
        File.Delete(filler);
        await WaitForJsonAsync(server.Http, "/api/health", r => History(r).GetProperty("state").GetString() == "up", "history recording again");
        var recorder = server.Services.GetRequiredService<HistoryService>().Recorder!;
        await recorder.FlushAsync();
        var gaps = await EventsAsync(server.Http, "gap");
        await Assert.That(gaps.Select(g => g.GetProperty("reason").GetString())).Contains("disk_full");
    }

    private static JsonElement History(JsonElement health) =>
        health.GetProperty("subsystems").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "history");
}

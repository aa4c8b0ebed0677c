using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VisionFlow.History.Query;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.History;
using VisionFlow.Testing;
using VisionFlow.Testing.Hosting;
using static VisionFlow.Testing.JsonPolling;

namespace VisionFlow.Server.Tests.Browser;

/// <summary>
/// The viewer's history timeline in real headless Chromium: against the simulator, agents spawned and terminated and
/// the link lost and back show on the timeline; dragging its cursor to a moment in between makes the table, the graph
/// and the banner show that moment (as <c>/api/history/state</c> gives it) with commands off, and Live returns to now.
/// An exported recording served as <c>visionflow replay</c> does opens at its last moment, scrubs, and is read-only.
/// The page's readiness is asked of its hooks (<c>visionflow.timeline.idle()</c>), never guessed from a quiet time.
/// </summary>
public sealed class ViewerTimelineTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset At(JsonElement e) => e.GetProperty("at").GetDateTimeOffset();

    private static bool Is(JsonElement e, string kind, string? operation = null, string? id = null) =>
        e.GetProperty("kind").GetString() == kind
        && (operation is null || e.GetProperty("operation").GetString() == operation)
        && (id is null || e.GetProperty("id").GetString() == id);

    private static async Task<string> SpawnAsync(RunningServer server, string type)
    {
        using var spawn = await server.Http.PostAsync("/api/bots/agents", Json($"{{\"type\":\"{type}\"}}"));
        await Assert.That(spawn.StatusCode).IsEqualTo(HttpStatusCode.Created);
        return JsonDocument.Parse(await spawn.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Flushes the recorder until the events of <paramref name="kinds"/> satisfy <paramref name="done"/>; returns them.</summary>
    private static async Task<List<JsonElement>> RecordedAsync(RunningServer server, string kinds, Func<List<JsonElement>, bool> done, string what)
    {
        var recorder = server.Services.GetRequiredService<HistoryService>().Recorder!;
        List<JsonElement> events = [];
        await Eventually.UntilAsync(
            async () =>
            {
                await recorder.FlushAsync();
                events = await HistoryTests.EventsAsync(server.Http, kinds);
                return done(events);
            },
            what, Wait, pollMilliseconds: 50);
        return events;
    }

    /// <summary>The agent ids the Agents table lists, sorted.</summary>
    private static async Task<string[]> TableAsync(HeadlessChromium browser) =>
        [.. (await browser.EvaluateAsync("[...document.querySelectorAll('#agents-table tbody tr')].map(r => r.dataset.id).sort()"))!.AsArray().Select(v => v!.GetValue<string>())];

    /// <summary>A page expression that is true when the Agents table lists exactly <paramref name="ids"/>.</summary>
    private static string TableIs(params string[] ids) =>
        "JSON.stringify([...document.querySelectorAll('#agents-table tbody tr')].map(r => r.dataset.id).sort()) === "
        + JsonValue.Create(new JsonArray([.. ids.Order(StringComparer.Ordinal).Select(i => (JsonNode)JsonValue.Create(i)!)]).ToJsonString()).ToJsonString();

    /// <summary>
    /// Drags the timeline's cursor from the live end (or where it is) to <paramref name="moment"/>; returns the moment
    /// then shown. The target's point is asked for once the button is down: while live the track's end follows the
    /// clock, and a drag holds the span it began on, so the point maps to the moment however long the drag takes.
    /// </summary>
    private static async Task<DateTimeOffset> ScrubToAsync(HeadlessChromium browser, DateTimeOffset moment)
    {
        var before = (await browser.EvaluateAsync("visionflow.timeline.shown()"))?.GetValue<string>();
        var from = (await browser.EvaluateAsync("visionflow.timeline.pointOf(visionflow.at === null ? Date.now() + 3600000 : visionflow.at)"))!.AsArray();
        var (fromX, fromY) = (from[0]!.GetValue<double>(), from[1]!.GetValue<double>());
        await browser.PressAsync(fromX, fromY);
        // The span stands still while the pointer is held, though the clock moves on.
        var heldSpan = (await browser.EvaluateAsync("(() => { const s = visionflow.timeline.span(), t = Date.now(); while (Date.now() < t + 3) { } return JSON.stringify([s, visionflow.timeline.span()]); })()"))!.GetValue<string>();
        var spans = JsonNode.Parse(heldSpan)!.AsArray();
        await Assert.That(spans[1]!["to"]!.GetValue<string>()).IsEqualTo(spans[0]!["to"]!.GetValue<string>());
        var to = (await browser.EvaluateAsync($"visionflow.timeline.pointOf({JsonValue.Create(Iso(moment)).ToJsonString()})"))!.AsArray();
        var (toX, toY) = (to[0]!.GetValue<double>(), to[1]!.GetValue<double>());
        await browser.DragToAsync(fromX, fromY, toX, toY);
        await browser.ReleaseAsync(toX, toY);
        var shown = await browser.WaitForAsync(
            $"visionflow.timeline.settled() && visionflow.timeline.shown() !== null && visionflow.timeline.shown() !== {JsonValue.Create(before)?.ToJsonString() ?? "null"} && visionflow.timeline.shown()",
            Wait, "the moment dragged to, read and shown");
        return DateTimeOffset.Parse(shown!.GetValue<string>(), CultureInfo.InvariantCulture);
    }

    private static async Task<JsonElement> StateAsync(HttpClient http, DateTimeOffset at) =>
        JsonDocument.Parse(await http.GetStringAsync($"/api/history/state?at={Uri.EscapeDataString(Iso(at))}")).RootElement;

    private static string[] Ids(JsonElement state) => [.. state.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("id").GetString()!).Order(StringComparer.Ordinal)];

    private static async Task<string> TextAsync(HeadlessChromium browser, string id) =>
        (await browser.EvaluateAsync($"document.getElementById('{id}').textContent"))!.GetValue<string>();

    private static async Task<bool> CommandsOffAsync(HeadlessChromium browser) =>
        (await browser.EvaluateAsync("document.querySelector('#spawn-form button[type=submit]').matches(':disabled') && document.querySelector('#task-form button[type=submit]').matches(':disabled')"))!.GetValue<bool>();

    [Test]
    public async Task The_timeline_shows_the_outage_a_moment_between_is_shown_as_it_was_and_live_returns()
    {
        await using var swarm = SimulatedSwarm.Start();
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(swarm));
        await WaitForJsonAsync(server.Http, "/api/bots/status", r => r.GetProperty("mcp_state").GetString() == "connected", "a connection");
        var a = await SpawnAsync(server, "coder");
        var b = await SpawnAsync(server, "tester");

        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(server.Address);
        await browser.WaitForAsync("window.visionflow && visionflow.agents.size === 2 && document.querySelectorAll('#agents-table tbody tr').length === 2 && !document.getElementById('timeline').hidden", Wait, "both agents live, and the timeline");

        using (var terminate = await server.Http.DeleteAsync($"/api/bots/agents/{a}"))
        {
            await Assert.That(terminate.IsSuccessStatusCode).IsTrue();
        }

        await WaitForJsonAsync(server.Http, "/api/bots/agents", r => r.GetProperty("count").GetInt32() == 1, "1 agent");

        // The link goes down (the level drops) and comes back with a fresh server.
        await swarm.KillAsync();
        await RecordedAsync(server, "agent,degradation,link", e =>
            e.Any(x => Is(x, "degradation")) && e.Any(x => Is(x, "link") && x.GetProperty("state").GetString() != "connected") && e.Any(x => Is(x, "agent", "removed", b)),
            "the outage recorded");
        swarm.StartServer();
        await WaitForJsonAsync(server.Http, "/api/health/network", r => r.GetProperty("degradation_level").GetString() == "fully_operational", "recovery");
        var c = await SpawnAsync(server, "reviewer");
        var events = await RecordedAsync(server, "agent,degradation,link", e =>
            e.Any(x => Is(x, "degradation") && x.GetProperty("to").GetString() == "fully_operational") && e.Any(x => Is(x, "agent", "added", c)),
            "the recovery recorded");

        // The timeline shows the loss and the return, and the outage between them. Reaching for it (the pointer coming
        // to it) brings its markers up to date with what was recorded since the page read them.
        JsonNode? markers = null;
        try
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    await browser.MoveMouseAsync(5, 5);
                    await browser.EvaluateAsync("document.getElementById('tl-track').scrollIntoView({block: 'nearest'})");
                    var p = (await browser.EvaluateAsync("visionflow.timeline.pointOf(Date.now())"))!.AsArray();
                    await browser.MoveMouseAsync(p[0]!.GetValue<double>() - 40, p[1]!.GetValue<double>());
                    markers = await browser.EvaluateAsync("JSON.stringify({m: visionflow.timeline.markers().flat(), bands: document.querySelectorAll('#tl-bands .outage').length})");
                    var m = JsonNode.Parse(markers!.GetValue<string>())!;
                    var classes = m["m"]!.AsArray().Select(x => x!.GetValue<string>()).ToArray();
                    return classes.Contains("link-down") && classes.Contains("link-up") && classes.Contains("degraded") && classes.Contains("recovered") && m["bands"]!.GetValue<int>() >= 1;
                },
                "the outage on the timeline", Wait, pollMilliseconds: 100, seen: () => markers?.ToJsonString() ?? "nothing");
        }
        catch (TimeoutException ex)
        {
            var read = (await browser.EvaluateAsync("JSON.stringify(visionflow.timeline.read())"))!.GetValue<string>();
            var recordedMarks = string.Join(" | ", (await HistoryTests.EventsAsync(server.Http, "degradation,link,command")).Select(e => e.GetProperty("at").GetString() + " " + e.GetProperty("kind").GetString()));
            throw new TimeoutException($"{ex.Message}; the page read {read}; recorded: {recordedMarks}", ex);
        }

        var addedB = At(events.First(x => Is(x, "agent", "added", b)));
        var removedA = At(events.First(x => Is(x, "agent", "removed", a)));
        var degraded = At(events.First(x => Is(x, "degradation") && x.GetProperty("to").GetString() != "fully_operational"));
        var linkLost = At(events.First(x => Is(x, "link") && x.GetProperty("state").GetString() != "connected" && At(x) > removedA));
        var removedB = At(events.First(x => Is(x, "agent", "removed", b)));
        var recovered = At(events.Last(x => Is(x, "degradation") && x.GetProperty("to").GetString() == "fully_operational"));
        await Assert.That(addedB).IsLessThan(removedA);

        // A moment when A and B both ran: the table lists them, the banner says the level then, commands are off.
        var shown = await ScrubToAsync(browser, addedB + ((removedA - addedB) / 2));
        await Assert.That(shown).IsGreaterThanOrEqualTo(addedB).And.IsLessThan(removedA);
        await browser.WaitForAsync(TableIs(a, b), Wait, "A and B in the table");
        var then = await StateAsync(server.Http, shown);
        await Assert.That(await TableAsync(browser)).IsEquivalentTo(Ids(then));
        await Assert.That(await TextAsync(browser, "banner-level")).IsEqualTo("fully operational");
        await Assert.That(await TextAsync(browser, "banner-message")).StartsWith("Showing the past: ");
        // The graph shows that moment's agents too.
        var nodeA = then.GetProperty("agents").EnumerateArray().Single(x => x.GetProperty("id").GetString() == a).GetProperty("node_id").GetUInt32();
        await browser.WaitForAsync($"visionflow.position({nodeA}) !== null && visionflow.drawnAgents === 2", Wait, "A and B drawn");
        await Assert.That(await CommandsOffAsync(browser)).IsTrue();
        await Assert.That(await TextAsync(browser, "past-note")).Contains("commands are off");

        // /ws goes on arriving (the fresh server's agent changes) and is not applied over the moment shown.
        var held = (await browser.EvaluateAsync("visionflow.noticesHeld"))!.GetValue<int>();
        await browser.WaitForAsync($"visionflow.noticesHeld > {held}", Wait, "a live message held back");
        await Assert.That(await TableAsync(browser)).IsEquivalentTo(Ids(then));

        // A moment in the outage: no agents (MCP down: empty, never invented), the level then, not fully operational.
        var outageAt = new[] { degraded, linkLost, removedB }.Max();
        await Assert.That(outageAt).IsLessThan(recovered);
        shown = await ScrubToAsync(browser, outageAt + ((recovered - outageAt) / 2));
        await Assert.That(shown).IsGreaterThanOrEqualTo(outageAt).And.IsLessThan(recovered);
        var during = await StateAsync(server.Http, shown);
        var level = during.GetProperty("degradation_level").GetString()!;
        await Assert.That(level).IsNotEqualTo("fully_operational");
        await browser.WaitForAsync($"document.getElementById('banner').classList.contains({JsonValue.Create("level-" + level).ToJsonString()}) && document.querySelectorAll('#agents-table tbody tr').length === 0", Wait, $"the banner at {level} and no agents");
        await Assert.That(await TextAsync(browser, "banner-level")).IsEqualTo(level.Replace('_', ' '));
        await Assert.That(await TextAsync(browser, "banner-message")).Contains("link " + during.GetProperty("link").GetProperty("state").GetString());

        // Live: now again, from the live feed: the fresh server's agent, commands on.
        await browser.ClickElementAsync("#tl-live");
        await browser.WaitForAsync(
            "visionflow.at === null && document.getElementById('past-note').hidden && document.getElementById('banner-level').textContent === 'fully operational' && " + TableIs(c),
            Wait, "live again, with the agent spawned after the outage");
        await Assert.That(await CommandsOffAsync(browser)).IsFalse();
    }

    [Test]
    public async Task An_exported_recording_replays_in_the_viewer_scrubs_and_is_read_only()
    {
        string file;
        string x, y;
        DateTimeOffset addedX, removedX;
        await using (var swarm = SimulatedSwarm.Start())
        await using (var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(swarm)))
        {
            await WaitForJsonAsync(server.Http, "/api/bots/status", r => r.GetProperty("mcp_state").GetString() == "connected", "a connection");
            x = await SpawnAsync(server, "analyst");
            var first = x;
            await RecordedAsync(server, "agent", e => e.Any(v => Is(v, "agent", "added", first)), "X recorded");
            using (var terminate = await server.Http.DeleteAsync($"/api/bots/agents/{x}"))
            {
                await Assert.That(terminate.IsSuccessStatusCode).IsTrue();
            }

            await RecordedAsync(server, "agent", e => e.Any(v => Is(v, "agent", "removed", first)), "X's removal recorded");
            y = await SpawnAsync(server, "coder");
            var second = y;
            var events = await RecordedAsync(server, "agent", e => e.Any(v => Is(v, "agent", "added", second)), "Y recorded");
            addedX = At(events.First(v => Is(v, "agent", "added", first)));
            removedX = At(events.First(v => Is(v, "agent", "removed", first)));

            using var export = await server.Http.GetAsync("/api/history/export");
            await Assert.That(export.StatusCode).IsEqualTo(HttpStatusCode.OK);
            file = Path.Combine(Path.GetTempPath(), $"vf-timeline-{Guid.NewGuid():N}.vfh");
            await File.WriteAllBytesAsync(file, await export.Content.ReadAsByteArrayAsync());
        }

        try
        {
            var recording = RecordingFile.Open(file, out var error) ?? throw new InvalidOperationException(error);
            await using var replay = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false, PhysicsBackend = "cpu" }, replay: HistoryService.Replay(file, recording));
            var last = JsonDocument.Parse(await replay.Http.GetStringAsync("/api/history")).RootElement.GetProperty("last").GetDateTimeOffset();

            await using var browser = await HeadlessChromium.StartAsync();
            await browser.NavigateAsync(replay.Address);

            // It opens at the recording's last moment: Y, and no Live (the recording is all there is).
            var opened = await browser.WaitForAsync("window.visionflow && visionflow.timeline.settled() && visionflow.timeline.shown()", Wait, "the last moment shown");
            var openedAt = DateTimeOffset.Parse(opened!.GetValue<string>(), CultureInfo.InvariantCulture);
            await Assert.That(Math.Abs((openedAt - last).TotalMilliseconds)).IsLessThanOrEqualTo(1);
            await browser.WaitForAsync(TableIs(y), Wait, "Y in the table");
            await Assert.That((await browser.EvaluateAsync("document.getElementById('tl-live').hidden"))!.GetValue<bool>()).IsTrue();
            await Assert.That(await TextAsync(browser, "banner-source")).IsEqualTo("REPLAY (read-only)");

            // Dragged to when X ran: X in the table and on the graph, as the recording has it.
            var shown = await ScrubToAsync(browser, addedX + ((removedX - addedX) / 2));
            await Assert.That(shown).IsGreaterThanOrEqualTo(addedX).And.IsLessThan(removedX);
            var then = await StateAsync(replay.Http, shown);
            await Assert.That(Ids(then)).IsEquivalentTo(new[] { x });
            await browser.WaitForAsync(TableIs(x), Wait, "X in the table");
            var nodeX = then.GetProperty("agents")[0].GetProperty("node_id").GetUInt32();
            await Assert.That((await browser.EvaluateAsync($"visionflow.position({nodeX}) !== null"))!.GetValue<bool>()).IsTrue();
            await Assert.That(await TextAsync(browser, "banner-message")).StartsWith("Replay of ");

            // Played at 60× from there: it runs to the recording's end and stops there, showing Y again.
            await browser.EvaluateAsync("(() => { const s = document.getElementById('tl-speed'); s.value = '60'; s.dispatchEvent(new Event('change')); })()");
            await browser.ClickElementAsync("#tl-play");
            await browser.WaitForAsync("visionflow.timeline.settled() && document.getElementById('tl-play').textContent === '▶' && " + TableIs(y), Wait, "played to the end, Y again");
            var ended = DateTimeOffset.Parse((await browser.EvaluateAsync("visionflow.timeline.shown()"))!.GetValue<string>(), CultureInfo.InvariantCulture);
            await Assert.That(Math.Abs((ended - last).TotalMilliseconds)).IsLessThanOrEqualTo(1);

            // Read-only: the controls are off with the reason shown, and a command sent anyway is answered 409.
            await Assert.That(await CommandsOffAsync(browser)).IsTrue();
            var note = await TextAsync(browser, "past-note");
            await Assert.That(note).Contains("replay").And.Contains("read-only");
            var answer = (await browser.EvaluateAsync("fetch('/api/bots/agents', {method: 'POST', headers: {'content-type': 'application/json'}, body: '{\"type\":\"coder\"}'}).then(async r => r.status + ' ' + await r.text())"))!.GetValue<string>();
            await Assert.That(answer).StartsWith("409 ").And.Contains("replay");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task With_history_off_one_line_says_so_in_place_of_the_timeline_and_the_health_tab_says_why()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions { EnableMcp = false, PhysicsBackend = "cpu", History = false });
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(server.Address);
        await browser.WaitForAsync("window.visionflow && visionflow.history !== null && visionflow.timeline.idle()", Wait, "the history summary read");
        await Assert.That((await browser.EvaluateAsync("document.getElementById('timeline').hidden && document.getElementById('timeline').getBoundingClientRect().height === 0"))!.GetValue<bool>()).IsTrue();
        // One line says so instead, no taller than a line of text.
        await Assert.That(await TextAsync(browser, "timeline-off")).IsEqualTo("No timeline: history off: switched off (VISIONFLOW_HISTORY=false)");
        await Assert.That((await browser.EvaluateAsync("document.getElementById('timeline-off').getBoundingClientRect().height"))!.GetValue<double>()).IsGreaterThan(0).And.IsLessThan(30);
        await Assert.That(await TextAsync(browser, "health-history")).StartsWith("off: switched off (VISIONFLOW_HISTORY=false)");
    }
}

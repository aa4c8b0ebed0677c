using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using VisionFlow.Server.Configuration;
using VisionFlow.Testing;
using VisionFlow.Testing.Hosting;

namespace VisionFlow.Server.Tests.Browser;

/// <summary>
/// The viewer as an operator uses it, in real headless Chromium against the real host and the project's simulator:
/// inspect an agent, find a node, terminate from the table, run swarms and tasks, and read the banner when MCP is
/// unreachable. Pointer and keyboard input go through the DevTools input domain, as a user's would.
/// </summary>
public sealed class ViewerWorkTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static string Js(string value) => JsonValue.Create(value).ToJsonString();

    private static async Task<HeadlessChromium> OpenAsync(RunningServer server, int agents)
    {
        var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(server.Address);
        await browser.WaitForAsync(
            $"window.visionflow && visionflow.drawnAgents === {agents} && visionflow.agents.size === {agents} && visionflow.meta.size > {agents}",
            Wait, $"{agents} agents drawn with their details");
        return browser;
    }

    /// <summary>Clicks where the node is drawn until the details panel shows it (the layout may still be moving).</summary>
    private static async Task PinByClickAsync(HeadlessChromium browser, uint nodeId, string expectedTitle)
    {
        string? title = null;
        await Eventually.UntilAsync(
            async () =>
            {
                if (await browser.EvaluateAsync($"visionflow.screenPosition({nodeId})") is not JsonArray { Count: 2 } p)
                {
                    return false;
                }

                await browser.ClickAsync(p[0]!.GetValue<double>(), p[1]!.GetValue<double>());
                title = (await browser.EvaluateAsync("document.getElementById('details').hidden ? '' : document.getElementById('details-title').textContent"))?.GetValue<string>();
                return title == expectedTitle;
            },
            $"a click on node {nodeId} pinning '{expectedTitle}'", Wait, pollMilliseconds: 0, seen: () => $"the details title '{title}'");
    }

    private static async Task<string> FieldAsync(HeadlessChromium browser, string field) =>
        (await browser.EvaluateAsync($"document.querySelector('#details-fields [data-field={field}]').textContent"))!.GetValue<string>();

    [Test]
    public async Task Hovering_an_agent_shows_a_tooltip_and_clicking_pins_its_fields()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 6);
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(swarm));
        await using var browser = await OpenAsync(server, 6);

        var agent = (await browser.EvaluateAsync("[...visionflow.agents.values()][2]"))!;
        var id = agent["id"]!.GetValue<string>();
        var nodeId = agent["node_id"]!.GetValue<uint>();

        // Point at the node until its tooltip shows (the view may still be fitting itself to the layout).
        string? tip = null;
        await Eventually.UntilAsync(
            async () =>
            {
                var at = (await browser.EvaluateAsync($"visionflow.screenPosition({nodeId})"))!.AsArray();
                await browser.MoveMouseAsync(at[0]!.GetValue<double>(), at[1]!.GetValue<double>());
                tip = (await browser.EvaluateAsync("document.getElementById('tooltip').hidden ? null : document.getElementById('tooltip').textContent"))?.GetValue<string>();
                return tip is not null && tip.Contains(id, StringComparison.Ordinal);
            },
            $"the tooltip naming {id}", Wait, pollMilliseconds: 0, seen: () => $"the tooltip '{tip}'");

        await Assert.That(tip).Contains("status ");
        await Assert.That(tip).Contains("cpu ");

        await PinByClickAsync(browser, nodeId, "Agent " + id);
        await Assert.That(await FieldAsync(browser, "id")).IsEqualTo(id);
        await Assert.That(await FieldAsync(browser, "type")).IsEqualTo(agent["type"]!.GetValue<string>());
        await Assert.That(await FieldAsync(browser, "swarm")).IsEqualTo(agent["swarm_id"]!.GetValue<string>());
        await Assert.That(await FieldAsync(browser, "status")).IsNotEqualTo("—");
        await Assert.That(await FieldAsync(browser, "cpu")).Matches(@"^\d+(\.\d)? %$");
        await Assert.That(await FieldAsync(browser, "memory")).Matches(@"^[\d,]+(\.\d)? MB$");
        await Assert.That(await FieldAsync(browser, "tokens")).Matches(@"^[\d,]+$");
        await Assert.That(await FieldAsync(browser, "tasks")).Matches(@"^\d+$");
        await Assert.That(await FieldAsync(browser, "last_seen")).Matches(@"(ago|just now) \(");
        await Assert.That(await FieldAsync(browser, "stale")).IsEqualTo("no");
        await Assert.That((await browser.EvaluateAsync("document.getElementById('details-list-a-title').textContent"))!.GetValue<string>()).StartsWith("Message flows");

        // Unknown values from the API (null or absent) read "—", never 0; known zeros stay 0.
        var shown = await browser.EvaluateAsync($$"""
            (() => {
              const a = Object.assign({}, visionflow.agents.get({{nodeId}}), { cpu_usage: null, memory_usage: undefined, tokens_used: 0, last_seen: null, stale: null });
              delete a.memory_usage;
              visionflow.agents.set({{nodeId}}, a);
              visionflow.pin({{nodeId}});
              const f = (n) => document.querySelector('#details-fields [data-field=' + n + ']').textContent;
              return [f('cpu'), f('memory'), f('tokens'), f('last_seen'), f('stale')];
            })()
            """);
        await Assert.That(shown!.AsArray().Select(v => v!.GetValue<string>()).ToArray()).IsEquivalentTo(new[] { "—", "—", "0", "—", "—" });
    }

    [Test]
    public async Task Search_finds_a_note_or_an_agent_centres_it_and_pins_it()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 5);
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(swarm));
        await using var browser = await OpenAsync(server, 5);

        await browser.ClickElementAsync("#search");
        await browser.TypeAsync("connection pool");
        await browser.PressEnterAsync();
        var title = await browser.WaitForAsync("!document.getElementById('details').hidden && document.getElementById('details-title').textContent", Wait, "the found note pinned");
        await Assert.That(title!.GetValue<string>()).IsEqualTo("Note Connection Pool");
        // Centred, and kept centred while the layout still moves it.
        await browser.WaitForAsync(
            "(() => { const p = visionflow.screenPosition(visionflow.pinned), r = document.getElementById('graph').getBoundingClientRect(); return Math.abs(p[0] - (r.left + r.width / 2)) < 3 && Math.abs(p[1] - (r.top + r.height / 2)) < 3; })()",
            Wait, "the note in the centre of the canvas");
        var links = await browser.EvaluateAsync("[document.querySelectorAll('#details-list-a li').length, document.querySelectorAll('#details-list-b li').length]");
        await Assert.That(links![0]!.GetValue<int>() + links[1]!.GetValue<int>()).IsGreaterThan(0);

        // By agent id, typed in part.
        var agentId = (await browser.EvaluateAsync("[...visionflow.agents.values()][4].id"))!.GetValue<string>();
        await browser.EvaluateAsync("document.getElementById('search').value = ''");
        await browser.ClickElementAsync("#search");
        await browser.TypeAsync(agentId[^8..]);
        await browser.ClickElementAsync("#search-form button");
        await browser.WaitForAsync($"document.getElementById('details-title').textContent === {Js("Agent " + agentId)}", Wait, "the found agent pinned");

        await browser.EvaluateAsync("document.getElementById('search').value = ''");
        await browser.ClickElementAsync("#search");
        await browser.TypeAsync("no-such-node-anywhere");
        await browser.PressEnterAsync();
        await browser.WaitForAsync("document.getElementById('search-result').textContent === 'No node matches \"no-such-node-anywhere\"'", Wait, "the miss said in words");
    }

    [Test]
    public async Task Filters_hide_agents_of_other_types_and_statuses_and_zoom_shows_labels()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 8);
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(swarm));
        await using var browser = await OpenAsync(server, 8);
        var type = (await browser.EvaluateAsync("[...visionflow.agents.values()][0].type"))!.GetValue<string>();
        var expected = (await browser.EvaluateAsync($"[...visionflow.agents.values()].filter(a => a.type === {Js(type)}).length"))!.GetValue<int>();
        await browser.WaitForAsync($"[...document.getElementById('filter-type').options].some(o => o.value === {Js(type)})", Wait, "the type in the filter");
        await browser.EvaluateAsync($"(() => {{ const s = document.getElementById('filter-type'); s.value = {Js(type)}; s.dispatchEvent(new Event('change')); }})()");
        // The notes and the hubs (swarms, tasks: where the filtered agents belong) stay drawn.
        const string Others = "[...visionflow.meta.values()].filter(n => n.kind !== 'agent').length";
        await browser.WaitForAsync($"visionflow.drawnNodes === {Others} + {expected}", Wait, $"{expected} {type} agents, the notes and the hubs drawn");
        await browser.WaitForAsync($"document.querySelectorAll('#agents-table tbody tr').length === {expected}", Wait, "the table filtered too");

        // Zoomed out over a big graph labels are off; zoomed in on a few nodes they are drawn.
        await browser.EvaluateAsync("visionflow.fitNow()");
        await browser.WaitForAsync("visionflow.labelsDrawn > 0", Wait, "labels on a small graph");
        await browser.EvaluateAsync("visionflow.view.auto = false; visionflow.view.scale = 1e-4");
        await browser.WaitForAsync("visionflow.onScreen > 0 && visionflow.labelsDrawn === visionflow.onScreen", Wait, "labels while few nodes are on screen");
    }

    [Test]
    public async Task Terminate_from_the_table_asks_to_confirm_then_shows_the_answer()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 5);
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(swarm, maxAgents: 5));
        await using var browser = await OpenAsync(server, 5);
        await browser.WaitForAsync("document.querySelectorAll('#agents-table tbody tr').length === 5", Wait, "5 rows");

        // Sortable: the table starts by id ascending; one click on the header turns it to descending.
        await browser.ClickElementAsync("#agents-table th[data-sort=id]");
        await Assert.That((await browser.EvaluateAsync("document.querySelector('#agents-table th[data-sort=id]').className"))!.GetValue<string>()).IsEqualTo("sorted-desc");
        var ids = (await browser.EvaluateAsync("[...document.querySelectorAll('#agents-table tbody tr')].map(r => r.dataset.id)"))!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        await Assert.That(ids).IsEquivalentTo(ids.OrderByDescending(i => i, StringComparer.Ordinal).ToList(), TUnit.Assertions.Enums.CollectionOrdering.Matching);

        var victim = ids[0];
        var button = $"#agents-table tr[data-id={Js(victim)}] button.terminate";
        await browser.ClickElementAsync(button);
        await browser.WaitForAsync($"document.querySelector({Js(button)}).textContent === 'Confirm'", Wait, "the confirmation");
        await browser.ClickElementAsync(button);
        var said = await browser.WaitForAsync("document.getElementById('command-result').textContent.includes('→ 204') && document.getElementById('command-result').textContent", Wait, "the answer");
        await Assert.That(said!.GetValue<string>()).IsEqualTo($"Terminate {victim} → 204 No Content: agent {victim} terminated");
        await browser.WaitForAsync($"!document.querySelector('#agents-table tr[data-id={victim}]') && visionflow.drawnAgents === 4", Wait, "the agent gone from the table and the graph");

        // A refusal is said in words too: the agent limit (MCP_MAX_AGENTS=5) is 409 with the server's detail.
        using (var spawn = await server.Http.PostAsync("/api/bots/agents", new StringContent("{\"type\":\"coder\"}", System.Text.Encoding.UTF8, "application/json")))
        {
            await Assert.That((int)spawn.StatusCode).IsEqualTo(201);
        }

        await browser.WaitForAsync("visionflow.agents.size === 5", Wait, "5 agents again");
        await browser.ClickElementAsync("#spawn-form button[type=submit]");
        var refused = await browser.WaitForAsync("document.getElementById('command-result').textContent.includes('→ 409') && document.getElementById('command-result').textContent", Wait, "the 409");
        await Assert.That(refused!.GetValue<string>()).StartsWith("Spawn coder → 409 Conflict: Agent limit reached — ");
        await Assert.That(refused!.GetValue<string>()).Contains("MCP_MAX_AGENTS");
    }

    [Test]
    public async Task Swarms_and_tasks_created_here_are_listed_read_back_and_can_be_dissolved_and_cancelled()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 3);
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(swarm));
        await using var browser = await OpenAsync(server, 3);

        await browser.ClickElementAsync(".tabs button[data-tab=swarms]");
        await browser.ClickElementAsync("#swarm-form button[type=submit]");
        var started = (await browser.WaitForAsync("document.getElementById('command-result').textContent.includes('201') && document.getElementById('command-result').textContent", Wait, "the swarm started"))!.GetValue<string>();
        var swarmId = System.Text.RegularExpressions.Regex.Match(started, @": swarm (\S+) ").Groups[1].Value;
        await browser.WaitForAsync($"document.querySelector('#swarms-list li[data-id={Js(swarmId)}] .swarm-status')?.textContent.length > 1", Wait, "its status read back");
        await browser.ClickElementAsync($"#swarms-list li[data-id={Js(swarmId)}] button.dissolve");
        var dissolved = await browser.WaitForAsync($"document.querySelector('#swarms-list li[data-id={Js(swarmId)}] .answer')?.textContent", Wait, "the dissolve answer");
        await Assert.That(dissolved!.GetValue<string>()).IsEqualTo($"204 No Content: swarm {swarmId} dissolved");

        await browser.ClickElementAsync(".tabs button[data-tab=tasks]");
        await browser.ClickElementAsync("#task-form input[name=description]");
        await browser.TypeAsync("review the release notes");
        await browser.PressEnterAsync();
        var created = (await browser.WaitForAsync("document.getElementById('command-result').textContent.includes('201') && document.getElementById('command-result').textContent", Wait, "the task created"))!.GetValue<string>();
        var taskId = System.Text.RegularExpressions.Regex.Match(created, @": task (\S+) ").Groups[1].Value;
        var item = $"#tasks-list li[data-id={Js(taskId)}]";
        var progress = await browser.WaitForAsync($"document.querySelector({Js(item + " .task-progress")})?.textContent", Wait, $"the progress line of {taskId} (from '{created}')");
        await Assert.That(progress!.GetValue<string>()).Contains("priority medium");
        await browser.ClickElementAsync(item + " button.cancel");
        var cancelled = await browser.WaitForAsync($"document.querySelector({Js(item + " .answer")})?.textContent", Wait, "the cancel answer");
        await Assert.That(cancelled!.GetValue<string>()).IsEqualTo($"200 OK: task {taskId} is cancelled");
        await browser.WaitForAsync($"document.querySelector({Js(item + " .task-status")})?.textContent === 'cancelled'", Wait, "the cancelled status");

        // Live health panel: the breaker, pool and telemetry mode of this link.
        await browser.ClickElementAsync(".tabs button[data-tab=health]");
        await browser.WaitForAsync("document.getElementById('health-breaker').textContent === 'closed'", Wait, "the breaker state");
        await browser.WaitForAsync("document.getElementById('health-telemetry').textContent.startsWith('push')", Wait, "the telemetry mode");
        await browser.WaitForAsync("/of 8$/.test(document.getElementById('health-pool').textContent)", Wait, "the pool");
    }

    [Test]
    public async Task With_MCP_unreachable_the_banner_names_the_address_tried_and_the_remedy()
    {
        // A port that was free a moment ago: nothing listens there, as on a first run without Claude Flow.
        var probe = new TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var options = new ServerOptions
        {
            McpHost = "127.0.0.1",
            McpPort = port,
            McpReconnectDelay = TimeSpan.FromMilliseconds(200),
            RateLimitPerSecond = 0,
            PhysicsBackend = "cpu",
        };
        await using var server = await RunningServer.StartAsync(options);
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(server.Address);

        var address = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
        var message = (await browser.WaitForAsync(
            $"window.visionflow && document.getElementById('banner-message').textContent.includes({Js(address)}) && document.getElementById('banner-message').textContent",
            Wait, "the address in the banner"))!.GetValue<string>();
        await Assert.That(message).Contains($"MCP server {address} refused the connection");
        await Assert.That(message).Contains("retrying");
        await Assert.That(message).Contains("set CLAUDE_FLOW_HOST / MCP_TCP_PORT, or start the built-in simulator with visionflow --simulator");
        var level = (await browser.EvaluateAsync("document.getElementById('banner').className"))!.GetValue<string>();
        await Assert.That(level).DoesNotContain("level-fully_operational");

        // A command refused while the link is down: its problem carries the failure's kind, and the viewer words the
        // remedy from that kind (the same words as the banner's), not from the text.
        using (var spawn = await server.Http.PostAsync("/api/bots/agents", new StringContent("{\"type\":\"coder\"}", System.Text.Encoding.UTF8, "application/json")))
        {
            await Assert.That(spawn.StatusCode).IsEqualTo(System.Net.HttpStatusCode.ServiceUnavailable);
            using var problem = JsonDocument.Parse(await spawn.Content.ReadAsStringAsync());
            await Assert.That(problem.RootElement.GetProperty("failure_kind").GetString()).IsEqualTo("link_down");
        }

        await browser.ClickElementAsync("#spawn-form button[type=submit]");
        var refused = (await browser.WaitForAsync("document.getElementById('command-result').textContent.includes('503') && document.getElementById('command-result').textContent", Wait, "the 503 answer"))!.GetValue<string>();
        await Assert.That(refused).StartsWith("Spawn coder → 503 Service Unavailable: MCP server unavailable — ");
        await Assert.That(refused).Contains(address);
        await Assert.That(refused).EndsWith(" · set CLAUDE_FLOW_HOST / MCP_TCP_PORT, or start the built-in simulator with visionflow --simulator");

        // The knowledge graph needs no MCP: laid out, streamed and drawn although real-time updates are off.
        var drawn = (await browser.WaitForAsync("window.visionflow.drawnNodes >= 13 && window.visionflow.drawnNodes", Wait, "the knowledge graph drawn"))!.GetValue<int>();
        await Assert.That(drawn).IsEqualTo(13);
        await Assert.That((await browser.EvaluateAsync("window.visionflow.drawnAgents"))!.GetValue<int>()).IsEqualTo(0);

        var shots = Environment.GetEnvironmentVariable("VISIONFLOW_SCREENSHOTS");
        if (!string.IsNullOrEmpty(shots))
        {
            await browser.ScreenshotAsync(Path.Combine(shots, "viewer-mcp-unreachable.png"));
        }
    }

    [Test]
    public async Task Safe_mode_hides_the_knowledge_graph_in_the_viewer()
    {
        await using var swarm = SimulatedSwarm.Start(agents: 2, token: "the-right-token");
        await using var server = await RunningServer.StartAsync(SimulatedSwarmTests.OptionsFor(swarm) with { McpApiKey = "a-wrong-token" });
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(server.Address);
        await browser.WaitForAsync("window.visionflow && document.getElementById('banner').className.includes('level-safe_mode')", Wait, "safe mode in the banner");
        await browser.WaitForAsync("window.visionflow.drawnNodes === 0", Wait, "nothing drawn in safe mode");
        await Assert.That((await browser.EvaluateAsync("window.visionflow.drawnNodes"))!.GetValue<int>()).IsEqualTo(0);
    }
}

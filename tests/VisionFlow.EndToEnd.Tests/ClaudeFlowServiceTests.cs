using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using TUnit.Core.Interfaces;
using VisionFlow.Testing.Interop;
using static VisionFlow.Testing.JsonPolling;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>
/// The published binary against the real claude-flow (the lockfile's, behind a socat bridge), through REST only, as a
/// user of a real swarm would drive it: what each answer says exists is what <c>GET /api/bots/agents</c> shows.
/// </summary>
[ClassDataSource<ClaudeFlowService>(Shared = SharedType.PerClass)]
[NotInParallel("claude-flow")]
public sealed class ClaudeFlowServiceTests(ClaudeFlowService service)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private HttpClient Http => service.Http;

    [Test]
    public async Task Status_offers_exactly_the_agent_types_the_server_accepts()
    {
        var status = await WaitForJsonAsync(Http, "/api/bots/status", s => s.GetProperty("agent_types").ValueKind == JsonValueKind.Array, "the learnt agent types", Patience);
        var types = status.GetProperty("agent_types").EnumerateArray().Select(t => t.GetString()).ToList();
        await Assert.That(status.GetProperty("agent_types_source").GetString()).IsEqualTo("validation");
        await Assert.That(types).Contains("coder");
        await Assert.That(types).DoesNotContain("coordinator"); // what the viewer used to offer, refused by 3.43 today
    }

    [Test]
    public async Task Every_agent_type_the_server_accepts_spawns_and_shows_what_it_reported()
    {
        foreach (var type in await service.AcceptedTypesAsync())
        {
            using var spawn = await PostAsync("/api/bots/agents", $"{{\"type\":\"{type}\"}}");
            await Assert.That(spawn.StatusCode).IsEqualTo(HttpStatusCode.Created);
            using var body = JsonDocument.Parse(await spawn.Content.ReadAsStringAsync());
            var id = body.RootElement.GetProperty("id").GetString()!;
            await Assert.That(body.RootElement.GetProperty("model").GetString()).IsNotNull();

            var agent = await WaitForJsonAsync(Http, $"/api/bots/agents/{id}", a => a.GetProperty("health").ValueKind == JsonValueKind.Number, $"{type} {id} with its health", Patience);
            await Assert.That(agent.GetProperty("type").GetString()).IsEqualTo(type);
            await Assert.That(agent.GetProperty("tasks_active").GetInt32()).IsEqualTo(0); // reported taskCount 0, not null
            await Assert.That(agent.GetProperty("created_at").ValueKind).IsEqualTo(JsonValueKind.String);
            await Assert.That(agent.GetProperty("cpu_usage").ValueKind).IsEqualTo(JsonValueKind.Null); // never reported

            using var gone = await Http.DeleteAsync($"/api/bots/agents/{id}");
            await Assert.That(gone.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
            var after = await AgentIdsAsync();
            await Assert.That(after).DoesNotContain(id);
        }
    }

    [Test]
    public async Task Init_with_valid_types_shows_each_agent_in_its_swarm_and_the_swarm_listed()
    {
        using var init = await PostAsync("/api/bots/multi-agent/init", "{\"topology\":\"mesh\",\"max_agents\":4,\"agent_types\":[\"coder\",\"researcher\",\"tester\"]}");
        await Assert.That(init.StatusCode).IsEqualTo(HttpStatusCode.Created);
        using var body = JsonDocument.Parse(await init.Content.ReadAsStringAsync());
        var swarm = body.RootElement.GetProperty("id").GetString()!;
        var ids = body.RootElement.GetProperty("agent_ids").EnumerateArray().Select(a => a.GetString()!).ToList();
        await Assert.That(ids.Count).IsEqualTo(3);

        var agents = await WaitForJsonAsync(Http, "/api/bots/agents", r => ids.All(id => r.GetProperty("agents").EnumerateArray().Any(a => a.GetProperty("id").GetString() == id)), "the swarm's agents", Patience);
        foreach (var a in agents.GetProperty("agents").EnumerateArray().Where(a => ids.Contains(a.GetProperty("id").GetString()!)))
        {
            await Assert.That(a.GetProperty("swarm_id").GetString()).IsEqualTo(swarm);
            await Assert.That(a.GetProperty("model").GetString()).IsNotNull();
        }

        var swarms = await WaitForJsonAsync(Http, "/api/bots/swarms", r => r.GetProperty("swarms").EnumerateArray().Any(s => s.GetProperty("id").GetString() == swarm), "the new swarm listed", Patience);
        await Assert.That(swarms.GetProperty("total").GetInt32()).IsGreaterThanOrEqualTo(1);

        // Drawn as one connected shape: the swarm's hub (0xC0000000 | key) with a membership edge from each of the three.
        var graph = await WaitForJsonAsync(Http, "/api/graph", g => MembersOf(g, swarm).Count == 3, "the swarm's hub joined to its three agents", Patience);
        var hub = Nodes(graph).Single(n => n.Kind == "swarm" && n.Label == swarm);
        await Assert.That(hub.Id & 0xE0000000u).IsEqualTo(0xC0000000u);
        await Assert.That(MembersOf(graph, swarm)).IsEquivalentTo(ids);
    }

    [Test]
    public async Task Init_refused_half_way_rolls_back_and_the_agents_list_agrees_with_the_answer()
    {
        var before = await AgentIdsAsync();
        using var init = await PostAsync("/api/bots/multi-agent/init", "{\"topology\":\"mesh\",\"max_agents\":2,\"agent_types\":[\"coder\",\"coordinator\"]}");
        await Assert.That(init.StatusCode).IsEqualTo(HttpStatusCode.UnprocessableEntity);
        using var problem = JsonDocument.Parse(await init.Content.ReadAsStringAsync());
        var p = problem.RootElement;
        await Assert.That(p.GetProperty("failed_type").GetString()).IsEqualTo("coordinator");
        await Assert.That(p.GetProperty("reason").GetString()).Contains("expected one of");
        await Assert.That(p.GetProperty("swarm_rolled_back").GetBoolean()).IsTrue();
        await Assert.That(p.GetProperty("remaining_agent_ids").GetArrayLength()).IsEqualTo(0);
        var rolledBack = p.GetProperty("rolled_back_agent_ids").EnumerateArray().Select(a => a.GetString()!).ToList();
        await Assert.That(rolledBack.Count).IsEqualTo(1);

        // Read at once after the answer: nothing the command made is left, nothing else went.
        var after = await AgentIdsAsync();
        await Assert.That(after).IsEquivalentTo(before);
        var swarm = p.GetProperty("swarm_id").GetString();
        using var read = await Http.GetAsync($"/api/bots/multi-agent/{swarm}");
        using var swarmBody = JsonDocument.Parse(await read.Content.ReadAsStringAsync());
        await Assert.That(swarmBody.RootElement.GetProperty("status").GetString()).IsEqualTo("terminated");
    }

    [Test]
    public async Task A_task_is_created_assigned_and_listed_from_the_server()
    {
        var agents = new List<string>();
        foreach (var type in new[] { "coder", "reviewer" })
        {
            using var spawn = await PostAsync("/api/bots/agents", $"{{\"type\":\"{type}\"}}");
            using var body = JsonDocument.Parse(await spawn.Content.ReadAsStringAsync());
            agents.Add(body.RootElement.GetProperty("id").GetString()!);
        }

        using var create = await PostAsync("/api/bots/tasks", $"{{\"description\":\"interop: assign through REST\",\"priority\":\"high\",\"agent_ids\":[\"{agents[0]}\"]}}");
        await Assert.That(create.StatusCode).IsEqualTo(HttpStatusCode.Created);
        using var created = JsonDocument.Parse(await create.Content.ReadAsStringAsync());
        var task = created.RootElement.GetProperty("id").GetString()!;

        using var assign = await PostAsync($"/api/bots/tasks/{task}/assign", $"{{\"agent_ids\":[\"{agents[0]}\",\"{agents[1]}\"]}}");
        await Assert.That(assign.StatusCode).IsEqualTo(HttpStatusCode.OK);
        using var assigned = JsonDocument.Parse(await assign.Content.ReadAsStringAsync());
        await Assert.That(assigned.RootElement.GetProperty("status").GetString()).IsEqualTo("in_progress");
        await Assert.That(assigned.RootElement.GetProperty("assigned_to").EnumerateArray().Select(a => a.GetString()!)).IsEquivalentTo(agents);

        var tasks = await WaitForJsonAsync(Http, "/api/bots/tasks", r => r.GetProperty("tasks").EnumerateArray().Any(t => t.GetProperty("id").GetString() == task), "the task listed", Patience);
        var listed = tasks.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("id").GetString() == task);
        await Assert.That(listed.GetProperty("assigned_to").GetArrayLength()).IsEqualTo(2);
        await Assert.That(listed.GetProperty("priority").GetString()).IsEqualTo("high");

        // Listed with its agents, and drawn: the task's hub (0xE0000000 | key) with an assignment edge to each.
        var graph = await WaitForJsonAsync(Http, "/api/graph", g => AssigneesOf(g, task).Count == 2, "the task's hub joined to its agents", Patience);
        await Assert.That(Nodes(graph).Single(n => n.Kind == "task" && n.Label == task).Id & 0xE0000000u).IsEqualTo(0xE0000000u);
        await Assert.That(AssigneesOf(graph, task)).IsEquivalentTo(agents);
    }

    [Test]
    public async Task The_spawn_list_the_viewer_offers_is_what_the_server_accepts_and_refuses_nothing_of_it()
    {
        // The viewer's spawn list is agent_types (tests/viewer/structure.test.js); here, the page carries no list of its own
        // and every type in agent_types is one the server accepts (the test above spawns each).
        var page = await Http.GetStringAsync("/");
        await Assert.That(page).DoesNotContain("<option>coordinator</option>");
        await Assert.That(page).Contains("<datalist id=\"agent-types\"></datalist>");
        var types = await service.AcceptedTypesAsync();
        await Assert.That(types).IsNotEmpty();
        await Assert.That(types).DoesNotContain("coordinator"); // refused by 3.43 as installed: never offered
    }

    private sealed record GraphNode(uint Id, string Kind, string Label);

    private static List<GraphNode> Nodes(JsonElement graph) =>
        [.. graph.GetProperty("nodes").EnumerateArray().Select(n => new GraphNode(n.GetProperty("id").GetUInt32(), n.GetProperty("kind").GetString()!, n.GetProperty("label").GetString()!))];

    /// <summary>The agents (by id) with a membership edge to the hub of swarm <paramref name="swarm"/>.</summary>
    private static List<string> MembersOf(JsonElement graph, string swarm) => Joined(graph, "swarm", swarm, "membership", hubIsSource: false);

    /// <summary>The agents (by id) with an assignment edge from the hub of task <paramref name="task"/>.</summary>
    private static List<string> AssigneesOf(JsonElement graph, string task) => Joined(graph, "task", task, "assignment", hubIsSource: true);

    private static List<string> Joined(JsonElement graph, string kind, string label, string edgeKind, bool hubIsSource)
    {
        var nodes = Nodes(graph);
        if (nodes.FirstOrDefault(n => n.Kind == kind && n.Label == label) is not { } hub)
        {
            return [];
        }

        var agents = nodes.Where(n => n.Kind == "agent").ToDictionary(n => n.Id, n => n.Label);
        return [.. graph.GetProperty("edges").EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == edgeKind)
            .Select(e => (Source: e.GetProperty("source").GetUInt32(), Target: e.GetProperty("target").GetUInt32()))
            .Where(e => (hubIsSource ? e.Source : e.Target) == hub.Id)
            .Select(e => agents.GetValueOrDefault(hubIsSource ? e.Target : e.Source))
            .OfType<string>()];
    }

    private Task<HttpResponseMessage> PostAsync(string path, string json) =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<List<string>> AgentIdsAsync()
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync("/api/bots/agents"));
        return [.. doc.RootElement.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("id").GetString()!)];
    }
}

/// <summary>The claude-flow bridge and the published binary connected to it, shared by a test class.</summary>
public sealed class ClaudeFlowService : IAsyncInitializer, IAsyncDisposable
{
    private int? _bridge;
    private BinaryProcess? _service;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }

        _bridge = await McpServers.StartAsync(McpServers.ClaudeFlow, port);
        _service = BinaryProcess.Start(["--port", "0", "--physics-backend", "cpu"], new Dictionary<string, string>
        {
            ["CLAUDE_FLOW_HOST"] = "127.0.0.1",
            ["MCP_TCP_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MCP_CONNECTION_TIMEOUT"] = "60000",
        });
        Http = new HttpClient { BaseAddress = await _service.WaitForListeningAsync(TimeSpan.FromSeconds(30)) };
        await WaitForJsonAsync(Http, "/api/bots/status", s => s.GetProperty("mcp_state").GetString() == "connected", "connected to claude-flow", TimeSpan.FromSeconds(90));
    }

    public async Task<List<string>> AcceptedTypesAsync()
    {
        // Learnt by the session's probe, which a loaded machine can see fail once (then the next refusal teaches it):
        // wait for the list as Status_offers_exactly_the_agent_types_the_server_accepts does, not for "connected" alone.
        var status = await WaitForJsonAsync(Http, "/api/bots/status", s => s.GetProperty("agent_types").ValueKind == JsonValueKind.Array, "the learnt agent types", TimeSpan.FromSeconds(60));
        return [.. status.GetProperty("agent_types").EnumerateArray().Select(t => t.GetString()!)];
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        if (_bridge is { } pid)
        {
            await McpServers.StopAsync(pid);
        }
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Simulator.Json;
using VisionFlow.Simulator.Model;

namespace VisionFlow.Simulator.Dialects;

/// <summary>
/// The MCP dialect as the simulator serves it: <c>initialize</c> (a <c>serverInfo</c> labelled simulated),
/// <c>tools/list</c> with claude-flow 3.43.0's schemas, and <c>tools/call</c> with its tools' names, arguments and
/// result shapes. Tool failures are results whose JSON says <c>"success": false</c> (or <c>"status": "not_found"</c>),
/// as claude-flow answers; only an unknown tool is a JSON-RPC error. Every tool call holds the state's lock.
/// </summary>
internal sealed class McpDialect(SwarmState state) : ISimulatorMcpDialect
{
    private static readonly Lazy<ToolsList> Tools = new(LoadTools);
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    private readonly SwarmState _state = state;
    private readonly ToolTextScratch _scratch = new();

    private static McpResultJsonContext Mcp => McpResultJsonContext.Default;

    public ValueTask<SimulatorInitializeResult> InitializeAsync(JsonDocument? parameters, CancellationToken cancellationToken)
    {
        string? requested = null;
        using (parameters)
        {
            if (Args.TryFrom(parameters, out var a, out _))
            {
                a.TryGetString("protocolVersion", false, out requested, out _);
            }
        }

        // The client's revision when the simulator knows it, else the oldest one it speaks.
        var version = requested is not null && SimulatorIdentity.SupportedProtocolVersions.Contains(requested)
            ? requested
            : SimulatorIdentity.SupportedProtocolVersions[0];
        return ValueTask.FromResult(new SimulatorInitializeResult(
            version,
            new SimulatorCapabilities(new SimulatorToolsCapability(ListChanged: false)),
            new SimulatorServerInfo(SimulatorIdentity.ServerName, "VisionFlow swarm simulator (simulated data)", _state.Options.ServerVersion),
            "This is a simulator: swarms, agents, tasks and telemetry are generated, not real. Tool names and shapes follow claude-flow 3.43.0."));
    }

    public ValueTask InitializedAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<McpEmptyResult> PingAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new McpEmptyResult());

    public ValueTask<ToolsList> ListToolsAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Tools.Value);

    public ValueTask<ToolText> CallToolAsync(JsonDocument? parameters, CancellationToken cancellationToken)
    {
        using (parameters)
        {
            if (!Args.TryFrom(parameters, out var a, out var error))
            {
                throw error.ToException();
            }

            if (!a.TryGetString("name", true, out var name, out error))
            {
                throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "tools/call: " + error.Message);
            }

            a.TryGet("arguments", out var arguments);
            return TryCallTool(name!, arguments, out var text, out error) ? ValueTask.FromResult(text) : throw error.ToException();
        }
    }

    /// <summary>Runs an MCP tool under the state's lock and counts the request.</summary>
    /// <returns>False only for an unknown tool (a JSON-RPC <c>-32601</c> error, as claude-flow answers).</returns>
    public bool TryCallTool(string tool, JsonElement arguments, [NotNullWhen(true)] out ToolText? text, out SimulatorError error)
    {
        error = default;
        lock (_state.Gate)
        {
            if (arguments.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null)
                && McpTools.All.Contains(tool))
            {
                text = Text(new McpFailure("Input validation failed: arguments must be an object"), Mcp.McpFailure);
                return _state.CountRequest(true);
            }

            var a = new Args(arguments);
            text = tool switch
            {
                McpTools.SwarmInit => SwarmInit(a),
                McpTools.SwarmStatus => SwarmStatus(a),
                McpTools.SwarmShutdown => SwarmShutdown(a),
                McpTools.SwarmHealth => SwarmHealth(a),
                McpTools.AgentSpawn => AgentSpawn(a),
                McpTools.AgentList => AgentList(a, arguments),
                McpTools.AgentStatus => AgentStatus(a),
                McpTools.AgentTerminate => AgentTerminate(a),
                McpTools.TaskCreate => TaskCreate(a),
                McpTools.TaskStatus => TaskStatus(a),
                McpTools.TaskList => TaskList(a, arguments),
                McpTools.TaskAssign => TaskAssign(a),
                McpTools.TaskUpdate => TaskUpdate(a),
                McpTools.TaskComplete => TaskComplete(a),
                McpTools.TaskCancel => TaskCancel(a),
                McpTools.CoordinationOrchestrate => Orchestrate(a),
                McpTools.SystemMetrics => SystemMetrics(),
                McpTools.SystemStatus => SystemStatus(),
                _ => null,
            };
            if (text is null)
            {
                error = new SimulatorError(SimulatorErrorKind.UnknownTool, $"Tool not found: {tool}");
                return _state.CountRequest(false);
            }

            return _state.CountRequest(true);
        }
    }

    private static ToolsList LoadTools()
    {
        using var stream = typeof(McpDialect).Assembly.GetManifestResourceStream("VisionFlow.Simulator.tools.json")
            ?? throw new InvalidOperationException("embedded resource VisionFlow.Simulator.tools.json is missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return new ToolsList(copy.ToArray());
    }

    /// <summary>A tool's result, to be rendered as the response's text.</summary>
    private ToolText Text<T>(T value, JsonTypeInfo<T> type) => new ToolText<T>(value, type, _scratch);

    private ToolText Failure(string message, string? swarmId = null, string? agentId = null, string? taskId = null) =>
        Text(new McpFailure(message) { SwarmId = swarmId, AgentId = agentId, TaskId = taskId }, Mcp.McpFailure);

    private ToolText NotFound(string message, string? swarmId = null, string? agentId = null, string? taskId = null) =>
        Text(new McpNotFound(message) { SwarmId = swarmId, AgentId = agentId, TaskId = taskId }, Mcp.McpNotFound);

    private static string Validation(SimulatorError e) =>
        e.Kind == SimulatorErrorKind.InvalidArguments ? "Input validation failed: " + e.Message : e.Message;

    private static McpSwarmConfig ConfigOf(SimSwarm s) => new(s.Topology, s.MaxAgents, s.Strategy);

    private McpAgentSummary Summary(SimAgent x) => new(
        x.Id, x.Type, Names.Of(x.State), 1, x.TasksCompleted + x.Tasks.Count, Names.Iso(x.CreatedAt), x.Swarm?.Id,
        Math.Round(x.CpuUsage, 1), Math.Round(x.MemoryUsage, 1), x.Tasks.Count, x.TokensUsed);

    private ToolText SwarmInit(Args a)
    {
        if (!a.TryGetString("topology", false, out var topology, out var e)
            || !a.TryGetNumber("maxAgents", false, double.MinValue, double.MaxValue, out var max, out e)
            || !a.TryGetString("strategy", false, out var strategy, out e)
            || !_state.TryInitSwarm(topology, max, strategy, out var s, out e))
        {
            return Failure(e.Message);
        }

        return Text(new McpSwarmInitResult(s.Id, s.Topology, s.Strategy, s.MaxAgents, Names.Iso(s.CreatedAt), ConfigOf(s)), Mcp.McpSwarmInitResult);
    }

    private bool TryFindSwarmForRead(string? id, out SimSwarm swarm)
    {
        if (id is not null)
        {
            return _state.SwarmsById.TryGetValue(id, out swarm!);
        }

        // Omitted: the most recent swarm, like claude-flow (active first, else the last one created).
        swarm = _state.MostRecentActiveSwarm() ?? (_state.Swarms.Count > 0 ? _state.Swarms[^1] : null)!;
        return swarm is not null;
    }

    private ToolText SwarmStatus(Args a)
    {
        if (!a.TryGetString("swarmId", false, out var id, out var e))
        {
            return NotFound(Validation(e));
        }

        if (!TryFindSwarmForRead(id, out var s))
        {
            return NotFound(id is null ? "No swarm initialized" : "Swarm not found", swarmId: id);
        }

        return Text(new McpSwarmStatusResult(
            s.Id, s.IsTerminated ? "terminated" : "running", s.Topology, s.MaxAgents, s.Agents.Count, s.TaskCount, ConfigOf(s),
            Names.Iso(s.CreatedAt), Names.Iso(s.UpdatedAt), s.MessagesExchanged), Mcp.McpSwarmStatusResult);
    }

    private ToolText SwarmShutdown(Args a)
    {
        if (!a.TryGetString("swarmId", false, out var id, out var e) || !a.TryGetBool("graceful", out var graceful, out e))
        {
            return Failure(Validation(e));
        }

        if (!_state.TryShutdownSwarm(id, out var s, out var count, out e))
        {
            return Failure(e.Kind == SimulatorErrorKind.UnknownSwarm && id is not null ? "Swarm not found" : e.Message, swarmId: id ?? s?.Id);
        }

        return Text(new McpSwarmShutdownResult(s.Id, graceful ?? true, count, Names.Iso(s.TerminatedAt!.Value)), Mcp.McpSwarmShutdownResult);
    }

    private ToolText SwarmHealth(Args a)
    {
        if (!a.TryGetString("swarmId", false, out var id, out var e))
        {
            return NotFound(Validation(e));
        }

        if (!TryFindSwarmForRead(id, out var s))
        {
            return NotFound(id is null ? "No swarm initialized" : "Swarm not found", swarmId: id);
        }

        var healthy = !s.IsTerminated;
        List<McpHealthCheck> checks =
        [
            new("coordinator", healthy ? "ok" : "error", healthy ? "Coordinator active (simulated)" : "Swarm terminated"),
            new("agents", "ok", $"{s.Agents.Count} agents registered (max: {s.MaxAgents})"),
            new("persistence", "warning", "In-memory simulator state (not persisted)"),
            new("topology", "ok", $"Topology: {s.Topology}"),
        ];
        return Text(new McpSwarmHealthResult(healthy ? "healthy" : "unhealthy", healthy, s.Id, s.Topology, s.Agents.Count, checks, Names.Iso(_state.Now)), Mcp.McpSwarmHealthResult);
    }

    private ToolText AgentSpawn(Args a)
    {
        if (!a.TryGetString("agentType", true, out var type, out var e))
        {
            // As Claude Flow 3.43 does, a missing or empty type is refused with the types this server offers (it still
            // accepts others, as earlier Claude Flow releases did), so a client learns its vocabulary the same way.
            return Failure($"{Validation(e)}; type: Invalid option: expected one of {string.Join('|', Names.DefaultAgentTypes.Select(t => $"\"{t}\""))}");
        }

        if (!a.TryGetString("agentId", false, out var agentId, out e)
            || !a.TryGetString("swarmId", false, out var swarmId, out e)
            || !a.TryGetString("model", false, out var model, out e))
        {
            return Failure(Validation(e));
        }

        if (!_state.TrySpawnAgent(type!, swarmId, agentId, out var x, out e))
        {
            return Failure(e.Message, swarmId: swarmId, agentId: agentId);
        }

        return Text(new McpAgentSpawnResult(x.Id, x.Type, model ?? "sonnet", Names.Of(x.State), Names.Iso(x.CreatedAt), x.Swarm?.Id), Mcp.McpAgentSpawnResult);
    }

    private ToolText AgentList(Args a, JsonElement arguments)
    {
        if (!a.TryGetString("status", false, out var status, out var e) || !a.TryGetBool("includeTerminated", out var includeTerminated, out e))
        {
            return Failure(Validation(e));
        }

        var agents = new List<McpAgentSummary>();
        foreach (var x in _state.AgentsById.Values.OrderBy(x => x.CreatedAt).ThenBy(x => x.Id, StringComparer.Ordinal))
        {
            if ((x.State != AgentState.Terminated || includeTerminated == true || status == "terminated")
                && (status is null || Names.Of(x.State) == status))
            {
                agents.Add(Summary(x));
            }
        }

        var filters = arguments.ValueKind == JsonValueKind.Object ? arguments.Clone() : EmptyObject;
        return Text(new McpAgentListResult(agents, agents.Count, filters), Mcp.McpAgentListResult);
    }

    private ToolText AgentStatus(Args a)
    {
        if (!a.TryGetString("agentId", true, out var id, out var e))
        {
            return NotFound(Validation(e));
        }

        if (!_state.TryFindAgent(id!, out var x, out _))
        {
            return NotFound("Agent not found", agentId: id);
        }

        JsonElement? last = null;
        return Text(new McpAgentStatusResult(
            x.Id, x.Type, Names.Of(x.State), 1, x.TasksCompleted + x.Tasks.Count, Names.Iso(x.CreatedAt), last, x.Swarm?.Id,
            Math.Round(x.CpuUsage, 1), Math.Round(x.MemoryUsage, 1), x.Tasks.Count, x.TokensUsed), Mcp.McpAgentStatusResult);
    }

    private ToolText AgentTerminate(Args a)
    {
        if (!a.TryGetString("agentId", true, out var id, out var e))
        {
            return Failure(Validation(e));
        }

        if (!_state.TryTerminateAgent(id!, "terminated", out var x, out e))
        {
            return Failure(e.Message, agentId: id);
        }

        return Text(new McpAgentTerminateResult(x.Id, Names.Iso(x.TerminatedAt!.Value)), Mcp.McpAgentTerminateResult);
    }

    private ToolText TaskCreate(Args a)
    {
        if (!a.TryGetString("type", true, out var type, out var e)
            || !a.TryGetString("description", true, out var description, out e)
            || !a.TryGetString("priority", false, out var priority, out e)
            || !a.TryGetStringArray("assignTo", false, out var assignTo, out e)
            || !a.TryGetStringArray("tags", false, out var tags, out e))
        {
            return Failure(e.Message);
        }

        if (!_state.TryCreateTask(type!, description!, priority, assignTo, tags, out var t, out e))
        {
            return Failure(e.Message);
        }

        // claude-flow reports a freshly created task as pending even when assigned.
        return Text(new McpTaskCreateResult(t.Id, t.Type, t.Description, t.Priority, "pending", Names.Iso(t.CreatedAt), t.Assignees.ConvertAll(x => x.Id), t.Tags), Mcp.McpTaskCreateResult);
    }

    private ToolText TaskStatus(Args a)
    {
        if (!a.TryGetString("taskId", true, out var id, out var e))
        {
            return NotFound(Validation(e));
        }

        if (!_state.TryFindTask(id!, out var t, out _))
        {
            return NotFound("Task not found", taskId: id);
        }

        return Text(new McpTaskStatusResult(
            t.Id, t.Type, t.Description, Names.Of(t.State), Math.Round(t.Progress, 1), t.Priority, t.Assignees.ConvertAll(x => x.Id),
            t.Tags, Names.Iso(t.CreatedAt), Names.Iso(t.StartedAt), Names.Iso(t.CompletedAt), t.Result), Mcp.McpTaskStatusResult);
    }

    private ToolText TaskList(Args a, JsonElement arguments)
    {
        if (!a.TryGetString("status", false, out var status, out var e)
            || !a.TryGetString("type", false, out var type, out e)
            || !a.TryGetString("assignedTo", false, out var assignedTo, out e)
            || !a.TryGetString("priority", false, out var priority, out e)
            || !a.TryGetNumber("limit", false, 1, int.MaxValue, out var limit, out e))
        {
            return Failure(Validation(e));
        }

        var tasks = new List<McpTaskSummary>();
        for (var i = _state.Tasks.Count - 1; i >= 0 && (limit is null || tasks.Count < limit); i--)
        {
            var t = _state.Tasks[i];
            if ((status is null || Names.Of(t.State) == status) && (type is null || t.Type == type)
                && (priority is null || t.Priority == priority) && (assignedTo is null || t.Assignees.Exists(x => x.Id == assignedTo)))
            {
                tasks.Add(new McpTaskSummary(t.Id, t.Type, t.Description, Names.Of(t.State), Math.Round(t.Progress, 1), t.Priority, t.Assignees.ConvertAll(x => x.Id), Names.Iso(t.CreatedAt)));
            }
        }

        var filters = arguments.ValueKind == JsonValueKind.Object ? arguments.Clone() : EmptyObject;
        return Text(new McpTaskListResult(tasks, tasks.Count, filters), Mcp.McpTaskListResult);
    }

    private ToolText TaskAssign(Args a)
    {
        if (!a.TryGetString("taskId", true, out var id, out var e)
            || !a.TryGetStringArray("agentIds", false, out var agentIds, out e)
            || !a.TryGetBool("unassign", out var unassign, out e))
        {
            return Failure(Validation(e));
        }

        if (!_state.TryFindOpenTask(id!, out var t, out e))
        {
            return Failure(e.Message, taskId: id);
        }

        if (!_state.TryResolveAssignees(unassign == true ? null : agentIds, out var agents, out e))
        {
            return Failure(e.Message, taskId: id);
        }

        var previous = t.Assignees.ConvertAll(x => x.Id);
        _state.Assign(t, agents);
        return Text(new McpTaskAssignResult(t.Id, t.Assignees.ConvertAll(x => x.Id), previous, Names.Of(t.State)), Mcp.McpTaskAssignResult);
    }

    private ToolText TaskUpdate(Args a)
    {
        if (!a.TryGetString("taskId", true, out var id, out var e)
            || !a.TryGetString("status", false, out var status, out e)
            || !a.TryGetNumber("progress", false, 0, 100, out var progress, out e)
            || !a.TryGetStringArray("assignTo", false, out var assignTo, out e))
        {
            return Failure(Validation(e));
        }

        if (!_state.TryFindOpenTask(id!, out var t, out e))
        {
            return Failure(e.Message, taskId: id);
        }

        if (status is not null && status is not ("pending" or "in_progress" or "completed" or "cancelled"))
        {
            return Failure("Invalid status: " + status + ". Valid: pending, in_progress, completed, cancelled", taskId: id);
        }

        if (assignTo is not null)
        {
            if (!_state.TryResolveAssignees(assignTo, out var agents, out e))
            {
                return Failure(e.Message, taskId: id);
            }

            _state.Assign(t, agents);
        }

        if (progress is { } p)
        {
            t.Progress = p;
        }

        if (status == "completed" || t.Progress >= 100)
        {
            _state.CompleteTask(t, null);
        }
        else if (status == "cancelled")
        {
            _state.CancelTask(t);
        }

        return Text(new McpTaskUpdateResult(t.Id, Names.Of(t.State), Math.Round(t.Progress, 1), t.Assignees.ConvertAll(x => x.Id)), Mcp.McpTaskUpdateResult);
    }

    private ToolText TaskComplete(Args a)
    {
        if (!a.TryGetString("taskId", true, out var id, out var e))
        {
            return Failure(Validation(e));
        }

        if (!_state.TryFindOpenTask(id!, out var t, out e))
        {
            return Failure(e.Message, taskId: id);
        }

        _state.CompleteTask(t, a.TryGet("result", out var r) ? r.Clone() : null);
        return Text(new McpTaskCompleteResult(t.Id, Names.Of(t.State), Names.Iso(t.CompletedAt!.Value), t.Result), Mcp.McpTaskCompleteResult);
    }

    private ToolText TaskCancel(Args a)
    {
        if (!a.TryGetString("taskId", true, out var id, out var e))
        {
            return Failure(Validation(e));
        }

        if (!_state.TryFindOpenTask(id!, out var t, out e))
        {
            return Failure(e.Message, taskId: id);
        }

        _state.CancelTask(t);
        return Text(new McpTaskCancelResult(t.Id, Names.Of(t.State), Names.Iso(t.CancelledAt!.Value)), Mcp.McpTaskCancelResult);
    }

    private ToolText Orchestrate(Args a)
    {
        if (!a.TryGetString("task", true, out var task, out var e)
            || !a.TryGetStringArray("agents", false, out var agentIds, out e)
            || !a.TryGetString("strategy", false, out var strategy, out e))
        {
            return Failure(Validation(e));
        }

        strategy ??= "parallel";
        if (strategy is not ("parallel" or "sequential" or "pipeline" or "broadcast"))
        {
            return Failure("Invalid strategy: " + strategy + ". Valid: parallel, sequential, pipeline, broadcast");
        }

        // The simulator executes what claude-flow only records: a task assigned to the agents, progressing over time.
        if (!_state.TryCreateTask("orchestration", task!, "high", agentIds, null, out var t, out e))
        {
            return Failure(e.Message);
        }

        var topology = t.Swarm?.Topology ?? _state.MostRecentActiveSwarm()?.Topology ?? "none";
        return Text(new McpOrchestrateResult("orch-" + _state.Now.ToUnixTimeMilliseconds(), task!, strategy, t.Assignees.ConvertAll(x => x.Id), "scheduled", topology, t.Id), Mcp.McpOrchestrateResult);
    }

    private ToolText SystemMetrics()
    {
        double cpu = 0, memory = 0;
        var active = 0;
        foreach (var x in _state.Live)
        {
            cpu += x.CpuUsage;
            memory += x.MemoryUsage;
            active += x.State is AgentState.Busy or AgentState.Active ? 1 : 0;
        }

        var (pending, inProgress, completed, cancelled) = _state.CountTasks(null);
        var requests = _state.Requests;
        var errors = _state.RequestErrors;
        var now = _state.Now;
        return Text(new McpSystemMetricsResult(
            Names.Iso(_state.StartedAt), Names.Iso(now), (long)(now - _state.StartedAt).TotalMilliseconds, 1,
            _state.Live.Count == 0 ? 0 : Math.Round(cpu / _state.Live.Count, 1), new McpUsed(Math.Round(memory), Math.Max(Math.Round(memory), _state.Live.Count * 512.0)),
            new McpAgentCounts(_state.Live.Count, active), new McpTaskCounts(pending + inProgress, completed, cancelled),
            new McpRequestCounts(requests, requests - errors, errors)), Mcp.McpSystemMetricsResult);
    }

    private ToolText SystemStatus()
    {
        var uptime = _state.Now - _state.StartedAt;
        var components = new Dictionary<string, McpComponentStatus>(StringComparer.Ordinal)
        {
            ["swarm"] = new(_state.MostRecentActiveSwarm() is null ? "idle" : "running", 1),
            ["simulator"] = new("simulated", 1),
        };
        return Text(new McpSystemStatusResult(
            "healthy", (long)uptime.TotalMilliseconds, $"{(int)uptime.TotalHours}h {uptime.Minutes}m", _state.Options.ServerVersion, components, Names.Iso(_state.Now)),
            Mcp.McpSystemStatusResult);
    }
}

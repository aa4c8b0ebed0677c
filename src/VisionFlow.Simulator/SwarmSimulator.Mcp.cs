using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using VisionFlow.Simulator.Json;
using VisionFlow.Simulator.Model;

namespace VisionFlow.Simulator;

/// <summary>The MCP dialect: <c>initialize</c>, <c>tools/list</c> and <c>tools/call</c> with claude-flow's tools.</summary>
public sealed partial class SwarmSimulator
{
    /// <summary>MCP protocol revisions the simulator accepts; it echoes the client's when listed.</summary>
    public static IReadOnlyList<string> SupportedProtocolVersions { get; } = ["2024-11-05", "2025-03-26", "2025-06-18"];

    private static readonly Lazy<byte[]> ToolsJson = new(LoadToolsJson);
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;
    private readonly ArrayBufferWriter<byte> _toolText = new(4096);

    private static McpResultJsonContext Mcp => McpResultJsonContext.Default;

    private static byte[] LoadToolsJson()
    {
        using var stream = typeof(SwarmSimulator).Assembly.GetManifestResourceStream("VisionFlow.Simulator.tools.json")
            ?? throw new InvalidOperationException("embedded resource VisionFlow.Simulator.tools.json is missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Writes the <c>initialize</c> result: negotiated version, tools capability, and a simulator <c>serverInfo</c>.</summary>
    public void WriteInitializeResult(Utf8JsonWriter result, string? requestedProtocolVersion)
    {
        ArgumentNullException.ThrowIfNull(result);
        var version = requestedProtocolVersion is not null && SupportedProtocolVersions.Contains(requestedProtocolVersion)
            ? requestedProtocolVersion
            : SupportedProtocolVersions[0];
        result.WriteStartObject();
        result.WriteString("protocolVersion", version);
        result.WriteStartObject("capabilities");
        result.WriteStartObject("tools");
        result.WriteBoolean("listChanged", false);
        result.WriteEndObject();
        result.WriteEndObject();
        result.WriteStartObject("serverInfo");
        result.WriteString("name", ServerName);
        result.WriteString("title", "VisionFlow swarm simulator (simulated data)");
        result.WriteString("version", _options.ServerVersion);
        result.WriteBoolean("simulated", true);
        result.WriteEndObject();
        result.WriteString("instructions", "This is a simulator: swarms, agents, tasks and telemetry are generated, not real. Tool names and shapes follow claude-flow 3.43.0.");
        result.WriteEndObject();
        result.Flush();
    }

    /// <summary>Writes the <c>tools/list</c> result <c>{"tools":[…]}</c> with claude-flow's input schemas.</summary>
    public static void WriteToolsList(Utf8JsonWriter result)
    {
        ArgumentNullException.ThrowIfNull(result);
        result.WriteRawValue(ToolsJson.Value, skipInputValidation: true);
        result.Flush();
    }

    /// <summary>
    /// Runs an MCP tool and writes its result <c>{"content":[{"type":"text","text":"&lt;json&gt;"}]}</c>; tool failures
    /// are results whose JSON says <c>"success": false</c> (or <c>"status": "not_found"</c>), as claude-flow does.
    /// </summary>
    /// <returns>False only for an unknown tool (a JSON-RPC <c>-32601</c> error, as claude-flow answers).</returns>
    public bool TryCallTool(string tool, JsonElement arguments, Utf8JsonWriter result, out SimulatorError error)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(result);
        error = default;
        lock (_gate)
        {
            _toolText.ResetWrittenCount();
            if (arguments.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null)
                && McpTools.All.Contains(tool))
            {
                Text(new McpFailure("Input validation failed: arguments must be an object"), Mcp.McpFailure);
            }
            else
            {
                var a = new Args(arguments);
                var known = tool switch
                {
                    McpTools.SwarmInit => McpSwarmInit(a),
                    McpTools.SwarmStatus => McpSwarmStatus(a),
                    McpTools.SwarmShutdown => McpSwarmShutdown(a),
                    McpTools.SwarmHealth => McpSwarmHealth(a),
                    McpTools.AgentSpawn => McpAgentSpawn(a),
                    McpTools.AgentList => McpAgentList(a, arguments),
                    McpTools.AgentStatus => McpAgentStatus(a),
                    McpTools.AgentTerminate => McpAgentTerminate(a),
                    McpTools.TaskCreate => McpTaskCreate(a),
                    McpTools.TaskStatus => McpTaskStatus(a),
                    McpTools.TaskList => McpTaskList(a, arguments),
                    McpTools.TaskAssign => McpTaskAssign(a),
                    McpTools.TaskUpdate => McpTaskUpdate(a),
                    McpTools.TaskComplete => McpTaskComplete(a),
                    McpTools.TaskCancel => McpTaskCancel(a),
                    McpTools.CoordinationOrchestrate => McpOrchestrate(a),
                    McpTools.SystemMetrics => McpSystemMetrics(),
                    McpTools.SystemStatus => McpSystemStatus(),
                    _ => false,
                };
                if (!known)
                {
                    error = new SimulatorError(SimulatorErrorKind.UnknownTool, $"Tool not found: {tool}");
                    return Count(false);
                }
            }

            result.WriteStartObject();
            result.WriteStartArray("content");
            result.WriteStartObject();
            result.WriteString("type", "text");
            result.WriteString("text", _toolText.WrittenSpan);
            result.WriteEndObject();
            result.WriteEndArray();
            result.WriteEndObject();
            result.Flush();
            return Count(true);
        }
    }

    /// <summary>Serializes a tool's result JSON (the future <c>text</c>); always true so handlers can return it.</summary>
    private bool Text<T>(T value, JsonTypeInfo<T> type)
    {
        using var writer = new Utf8JsonWriter(_toolText, new JsonWriterOptions { Indented = true });
        JsonSerializer.Serialize(writer, value, type);
        return true;
    }

    private bool Failure(string message, string? swarmId = null, string? agentId = null, string? taskId = null) =>
        Text(new McpFailure(message) { SwarmId = swarmId, AgentId = agentId, TaskId = taskId }, Mcp.McpFailure);

    private bool NotFound(string message, string? swarmId = null, string? agentId = null, string? taskId = null) =>
        Text(new McpNotFound(message) { SwarmId = swarmId, AgentId = agentId, TaskId = taskId }, Mcp.McpNotFound);

    private static string Validation(SimulatorError e) =>
        e.Kind == SimulatorErrorKind.InvalidArguments ? "Input validation failed: " + e.Message : e.Message;

    private static McpSwarmConfig ConfigOf(SimSwarm s) => new(s.Topology, s.MaxAgents, s.Strategy);

    private McpAgentSummary Summary(SimAgent x) => new(
        x.Id, x.Type, Names.Of(x.State), 1, x.TasksCompleted + x.Tasks.Count, Names.Iso(x.CreatedAt), x.Swarm?.Id,
        Math.Round(x.CpuUsage, 1), Math.Round(x.MemoryUsage, 1), x.Tasks.Count, x.TokensUsed);

    private bool McpSwarmInit(Args a)
    {
        if (!a.TryGetString("topology", false, out var topology, out var e)
            || !a.TryGetNumber("maxAgents", false, double.MinValue, double.MaxValue, out var max, out e)
            || !a.TryGetString("strategy", false, out var strategy, out e)
            || !TryInitSwarm(topology, max, strategy, out var s, out e))
        {
            return Failure(e.Message);
        }

        return Text(new McpSwarmInitResult(s.Id, s.Topology, s.Strategy, s.MaxAgents, Names.Iso(s.CreatedAt), ConfigOf(s)), Mcp.McpSwarmInitResult);
    }

    private bool TryFindSwarmForRead(string? id, out SimSwarm swarm)
    {
        if (id is not null)
        {
            return _swarmsById.TryGetValue(id, out swarm!);
        }

        // Omitted: the most recent swarm, like claude-flow (active first, else the last one created).
        swarm = MostRecentActiveSwarm() ?? (_swarms.Count > 0 ? _swarms[^1] : null)!;
        return swarm is not null;
    }

    private bool McpSwarmStatus(Args a)
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

    private bool McpSwarmShutdown(Args a)
    {
        if (!a.TryGetString("swarmId", false, out var id, out var e) || !a.TryGetBool("graceful", out var graceful, out e))
        {
            return Failure(Validation(e));
        }

        if (!TryShutdownSwarm(id, out var s, out var count, out e))
        {
            return Failure(e.Kind == SimulatorErrorKind.UnknownSwarm && id is not null ? "Swarm not found" : e.Message, swarmId: id ?? s?.Id);
        }

        return Text(new McpSwarmShutdownResult(s.Id, graceful ?? true, count, Names.Iso(s.TerminatedAt!.Value)), Mcp.McpSwarmShutdownResult);
    }

    private bool McpSwarmHealth(Args a)
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
        return Text(new McpSwarmHealthResult(healthy ? "healthy" : "unhealthy", healthy, s.Id, s.Topology, s.Agents.Count, checks, Names.Iso(Now)), Mcp.McpSwarmHealthResult);
    }

    private bool McpAgentSpawn(Args a)
    {
        if (!a.TryGetString("agentType", true, out var type, out var e)
            || !a.TryGetString("agentId", false, out var agentId, out e)
            || !a.TryGetString("swarmId", false, out var swarmId, out e)
            || !a.TryGetString("model", false, out var model, out e))
        {
            return Failure(Validation(e));
        }

        if (!TrySpawnAgent(type!, swarmId, agentId, out var x, out e))
        {
            return Failure(e.Message, swarmId: swarmId, agentId: agentId);
        }

        return Text(new McpAgentSpawnResult(x.Id, x.Type, model ?? "sonnet", Names.Of(x.State), Names.Iso(x.CreatedAt), x.Swarm?.Id), Mcp.McpAgentSpawnResult);
    }

    private bool McpAgentList(Args a, JsonElement arguments)
    {
        if (!a.TryGetString("status", false, out var status, out var e) || !a.TryGetBool("includeTerminated", out var includeTerminated, out e))
        {
            return Failure(Validation(e));
        }

        var agents = new List<McpAgentSummary>();
        foreach (var x in _agentsById.Values.OrderBy(x => x.CreatedAt).ThenBy(x => x.Id, StringComparer.Ordinal))
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

    private bool McpAgentStatus(Args a)
    {
        if (!a.TryGetString("agentId", true, out var id, out var e))
        {
            return NotFound(Validation(e));
        }

        if (!TryFindAgent(id!, out var x, out _))
        {
            return NotFound("Agent not found", agentId: id);
        }

        JsonElement? last = null;
        return Text(new McpAgentStatusResult(
            x.Id, x.Type, Names.Of(x.State), 1, x.TasksCompleted + x.Tasks.Count, Names.Iso(x.CreatedAt), last, x.Swarm?.Id,
            Math.Round(x.CpuUsage, 1), Math.Round(x.MemoryUsage, 1), x.Tasks.Count, x.TokensUsed), Mcp.McpAgentStatusResult);
    }

    private bool McpAgentTerminate(Args a)
    {
        if (!a.TryGetString("agentId", true, out var id, out var e))
        {
            return Failure(Validation(e));
        }

        if (!TryTerminateAgent(id!, "terminated", out var x, out e))
        {
            return Failure(e.Message, agentId: id);
        }

        return Text(new McpAgentTerminateResult(x.Id, Names.Iso(x.TerminatedAt!.Value)), Mcp.McpAgentTerminateResult);
    }

    private bool McpTaskCreate(Args a)
    {
        if (!a.TryGetString("type", true, out var type, out var e)
            || !a.TryGetString("description", true, out var description, out e)
            || !a.TryGetString("priority", false, out var priority, out e)
            || !a.TryGetStringArray("assignTo", false, out var assignTo, out e)
            || !a.TryGetStringArray("tags", false, out var tags, out e))
        {
            return Failure(e.Message);
        }

        if (!TryCreateTask(type!, description!, priority, assignTo, tags, out var t, out e))
        {
            return Failure(e.Message);
        }

        // claude-flow reports a freshly created task as pending even when assigned.
        return Text(new McpTaskCreateResult(t.Id, t.Type, t.Description, t.Priority, "pending", Names.Iso(t.CreatedAt), t.Assignees.ConvertAll(x => x.Id), t.Tags), Mcp.McpTaskCreateResult);
    }

    private bool McpTaskStatus(Args a)
    {
        if (!a.TryGetString("taskId", true, out var id, out var e))
        {
            return NotFound(Validation(e));
        }

        if (!TryFindTask(id!, out var t, out _))
        {
            return NotFound("Task not found", taskId: id);
        }

        return Text(new McpTaskStatusResult(
            t.Id, t.Type, t.Description, Names.Of(t.State), Math.Round(t.Progress, 1), t.Priority, t.Assignees.ConvertAll(x => x.Id),
            t.Tags, Names.Iso(t.CreatedAt), Names.Iso(t.StartedAt), Names.Iso(t.CompletedAt), t.Result), Mcp.McpTaskStatusResult);
    }

    private bool McpTaskList(Args a, JsonElement arguments)
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
        for (var i = _tasks.Count - 1; i >= 0 && (limit is null || tasks.Count < limit); i--)
        {
            var t = _tasks[i];
            if ((status is null || Names.Of(t.State) == status) && (type is null || t.Type == type)
                && (priority is null || t.Priority == priority) && (assignedTo is null || t.Assignees.Exists(x => x.Id == assignedTo)))
            {
                tasks.Add(new McpTaskSummary(t.Id, t.Type, t.Description, Names.Of(t.State), Math.Round(t.Progress, 1), t.Priority, t.Assignees.ConvertAll(x => x.Id), Names.Iso(t.CreatedAt)));
            }
        }

        var filters = arguments.ValueKind == JsonValueKind.Object ? arguments.Clone() : EmptyObject;
        return Text(new McpTaskListResult(tasks, tasks.Count, filters), Mcp.McpTaskListResult);
    }

    private bool McpTaskAssign(Args a)
    {
        if (!a.TryGetString("taskId", true, out var id, out var e)
            || !a.TryGetStringArray("agentIds", false, out var agentIds, out e)
            || !a.TryGetBool("unassign", out var unassign, out e))
        {
            return Failure(Validation(e));
        }

        if (!TryFindOpenTask(id!, out var t, out e))
        {
            return Failure(e.Message, taskId: id);
        }

        if (!TryResolveAssignees(unassign == true ? null : agentIds, out var agents, out e))
        {
            return Failure(e.Message, taskId: id);
        }

        var previous = t.Assignees.ConvertAll(x => x.Id);
        Assign(t, agents);
        return Text(new McpTaskAssignResult(t.Id, t.Assignees.ConvertAll(x => x.Id), previous, Names.Of(t.State)), Mcp.McpTaskAssignResult);
    }

    private bool McpTaskUpdate(Args a)
    {
        if (!a.TryGetString("taskId", true, out var id, out var e)
            || !a.TryGetString("status", false, out var status, out e)
            || !a.TryGetNumber("progress", false, 0, 100, out var progress, out e)
            || !a.TryGetStringArray("assignTo", false, out var assignTo, out e))
        {
            return Failure(Validation(e));
        }

        if (!TryFindOpenTask(id!, out var t, out e))
        {
            return Failure(e.Message, taskId: id);
        }

        if (status is not null && status is not ("pending" or "in_progress" or "completed" or "cancelled"))
        {
            return Failure("Invalid status: " + status + ". Valid: pending, in_progress, completed, cancelled", taskId: id);
        }

        if (assignTo is not null)
        {
            if (!TryResolveAssignees(assignTo, out var agents, out e))
            {
                return Failure(e.Message, taskId: id);
            }

            Assign(t, agents);
        }

        if (progress is { } p)
        {
            t.Progress = p;
        }

        if (status == "completed" || t.Progress >= 100)
        {
            CompleteTask(t, null);
        }
        else if (status == "cancelled")
        {
            CancelTask(t);
        }

        return Text(new McpTaskUpdateResult(t.Id, Names.Of(t.State), Math.Round(t.Progress, 1), t.Assignees.ConvertAll(x => x.Id)), Mcp.McpTaskUpdateResult);
    }

    private bool McpTaskComplete(Args a)
    {
        if (!a.TryGetString("taskId", true, out var id, out var e))
        {
            return Failure(Validation(e));
        }

        if (!TryFindOpenTask(id!, out var t, out e))
        {
            return Failure(e.Message, taskId: id);
        }

        CompleteTask(t, a.TryGet("result", out var r) ? r.Clone() : null);
        return Text(new McpTaskCompleteResult(t.Id, Names.Of(t.State), Names.Iso(t.CompletedAt!.Value), t.Result), Mcp.McpTaskCompleteResult);
    }

    private bool McpTaskCancel(Args a)
    {
        if (!a.TryGetString("taskId", true, out var id, out var e))
        {
            return Failure(Validation(e));
        }

        if (!TryFindOpenTask(id!, out var t, out e))
        {
            return Failure(e.Message, taskId: id);
        }

        CancelTask(t);
        return Text(new McpTaskCancelResult(t.Id, Names.Of(t.State), Names.Iso(t.CancelledAt!.Value)), Mcp.McpTaskCancelResult);
    }

    private bool McpOrchestrate(Args a)
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
        if (!TryCreateTask("orchestration", task!, "high", agentIds, null, out var t, out e))
        {
            return Failure(e.Message);
        }

        var topology = t.Swarm?.Topology ?? MostRecentActiveSwarm()?.Topology ?? "none";
        return Text(new McpOrchestrateResult("orch-" + Now.ToUnixTimeMilliseconds(), task!, strategy, t.Assignees.ConvertAll(x => x.Id), "scheduled", topology, t.Id), Mcp.McpOrchestrateResult);
    }

    private bool McpSystemMetrics()
    {
        double cpu = 0, memory = 0;
        var active = 0;
        foreach (var x in _live)
        {
            cpu += x.CpuUsage;
            memory += x.MemoryUsage;
            active += x.State is AgentState.Busy or AgentState.Active ? 1 : 0;
        }

        var (pending, inProgress, completed, cancelled) = CountTasks(null);
        var requests = Interlocked.Read(ref _requests);
        var errors = Interlocked.Read(ref _requestErrors);
        var now = Now;
        return Text(new McpSystemMetricsResult(
            Names.Iso(_startedAt), Names.Iso(now), (long)(now - _startedAt).TotalMilliseconds, 1,
            _live.Count == 0 ? 0 : Math.Round(cpu / _live.Count, 1), new McpUsed(Math.Round(memory), Math.Max(Math.Round(memory), _live.Count * 512.0)),
            new McpAgentCounts(_live.Count, active), new McpTaskCounts(pending + inProgress, completed, cancelled),
            new McpRequestCounts(requests, requests - errors, errors)), Mcp.McpSystemMetricsResult);
    }

    private bool McpSystemStatus()
    {
        var uptime = Now - _startedAt;
        var components = new Dictionary<string, McpComponentStatus>(StringComparer.Ordinal)
        {
            ["swarm"] = new(MostRecentActiveSwarm() is null ? "idle" : "running", 1),
            ["simulator"] = new("simulated", 1),
        };
        return Text(new McpSystemStatusResult(
            "healthy", (long)uptime.TotalMilliseconds, $"{(int)uptime.TotalHours}h {uptime.Minutes}m", _options.ServerVersion, components, Names.Iso(Now)),
            Mcp.McpSystemStatusResult);
    }
}

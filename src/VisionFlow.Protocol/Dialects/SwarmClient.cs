using System.Buffers;
using System.Text.Json;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Protocol.Contracts.Plain;

namespace VisionFlow.Protocol.Dialects;

/// <summary>
/// The product's one typed API for swarm, agent and task operations, whichever dialect the server speaks. It maps each
/// operation onto the server's actual tools (<see cref="ServerProfile"/>), shapes the arguments the way that server's
/// schema names them, and turns in-band tool failures into <see cref="ToolFailedException"/>.
/// </summary>
public sealed class SwarmClient(IJsonRpcInvoker invoker, ServerProfile profile)
{
    private readonly McpDialectClient _mcp = new(invoker);
    private readonly PlainDialectClient _plain = new(invoker);

    /// <summary>The server this client talks to.</summary>
    public ServerProfile Profile { get; } = profile;

    /// <summary>Liveness probe: MCP <c>ping</c> or plain <c>system.ping</c>.</summary>
    public async ValueTask PingAsync(CancellationToken cancellationToken)
    {
        if (Profile.Dialect == ServerDialect.Mcp)
        {
            await _mcp.PingAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _plain.PingAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Creates a swarm, then spawns the requested agent types into it.</summary>
    public async ValueTask<SwarmInfo> InitializeSwarmAsync(SwarmInitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Profile.Dialect == ServerDialect.Plain)
        {
            var m = await _plain.InitializeMultiAgentAsync(
                new MultiAgentInitializeParams { Topology = request.Topology, Agents = request.AgentTypes, Task = request.Task },
                cancellationToken).ConfigureAwait(false);
            return Summaries.Swarm(m);
        }

        var swarm = await CallAsync(SwarmOperation.InitializeSwarm, (tool, w) =>
        {
            w.WriteString("topology", request.Topology);
            w.WriteNumber("maxAgents", request.MaxAgents);
            if (request.Strategy is not null)
            {
                w.WriteString("strategy", request.Strategy);
            }
        }, static (root, _) => Summaries.Swarm(root), cancellationToken).ConfigureAwait(false);

        foreach (var type in request.AgentTypes)
        {
            await SpawnAgentAsync(type, swarm.Id, request.Task, cancellationToken).ConfigureAwait(false);
        }

        return swarm with { AgentCount = request.AgentTypes.Count > 0 ? request.AgentTypes.Count : swarm.AgentCount };
    }

    /// <summary>Reads a swarm; an unknown id is a not-found failure (Claude Flow would answer with its newest swarm instead).</summary>
    public async ValueTask<SwarmInfo> GetSwarmAsync(string swarmId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(swarmId);
        if (Profile.Dialect == ServerDialect.Plain)
        {
            return Summaries.Swarm(await _plain.GetMultiAgentStatusAsync(new MultiAgentIdParams { MultiAgentId = swarmId }, cancellationToken).ConfigureAwait(false));
        }

        var swarm = await CallAsync(SwarmOperation.GetSwarm, (_, w) => w.WriteString("swarmId", swarmId),
            static (root, _) => Summaries.Swarm(root), cancellationToken).ConfigureAwait(false);
        return swarm.Id == swarmId ? swarm : throw new ToolFailedException("swarm_status", $"swarm '{swarmId}' not found", notFound: true);
    }

    /// <summary>Shuts a swarm down, after checking it exists (Claude Flow shuts down its newest swarm for an unknown id).</summary>
    public async ValueTask DissolveSwarmAsync(string swarmId, CancellationToken cancellationToken)
    {
        if (Profile.Dialect == ServerDialect.Plain)
        {
            ArgumentException.ThrowIfNullOrEmpty(swarmId);
            await _plain.DissolveMultiAgentAsync(new MultiAgentIdParams { MultiAgentId = swarmId }, cancellationToken).ConfigureAwait(false);
            return;
        }

        await GetSwarmAsync(swarmId, cancellationToken).ConfigureAwait(false);
        await CallAsync(SwarmOperation.DissolveSwarm, (_, w) => w.WriteString("swarmId", swarmId),
            static (_, _) => true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates an agent of <paramref name="type"/>, in <paramref name="swarmId"/> when given.</summary>
    public async ValueTask<AgentSummary> SpawnAgentAsync(string type, string? swarmId, string? task, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        if (Profile.Dialect == ServerDialect.Plain)
        {
            var r = await _plain.SpawnAgentAsync(new AgentSpawnParams { Type = type, Task = task }, cancellationToken).ConfigureAwait(false);
            return new AgentSummary(r.AgentId, type, r.Status, swarmId, null, null, null, null, null);
        }

        return await CallAsync(SwarmOperation.SpawnAgent, (tool, w) =>
        {
            // 3.x names it agentType; older servers type.
            w.WriteString(ToolMapping.Accepts(tool, "agentType") || !ToolMapping.Accepts(tool, "type") ? "agentType" : "type", type);
            if (swarmId is not null)
            {
                w.WriteString("swarmId", swarmId);
            }

            if (task is not null && ToolMapping.Accepts(tool, "task"))
            {
                w.WriteString("task", task);
            }
        }, (root, _) => Summaries.Agent(root) with { Type = type, SwarmId = swarmId }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists the server's live agents.</summary>
    public async ValueTask<IReadOnlyList<AgentSummary>> ListAgentsAsync(CancellationToken cancellationToken)
    {
        if (Profile.Dialect == ServerDialect.Plain)
        {
            var list = await _plain.ListAgentsAsync(null, cancellationToken).ConfigureAwait(false);
            return list.Agents.Select(Summaries.Agent).ToList();
        }

        return await CallAsync(SwarmOperation.ListAgents, static (_, _) => { }, static (root, _) =>
        {
            var agents = new List<AgentSummary>();
            if (root.TryGetProperty("agents", out var array) && array.ValueKind == JsonValueKind.Array)
            {
                foreach (var a in array.EnumerateArray())
                {
                    agents.Add(Summaries.Agent(a));
                }
            }

            return (IReadOnlyList<AgentSummary>)agents;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The raw JSON text of the agent listing, for the telemetry poller: the Agents layer parses it straight from UTF-8
    /// (MCP servers push nothing, so this is their telemetry).
    /// </summary>
    public async ValueTask<string> ListAgentsJsonAsync(CancellationToken cancellationToken)
    {
        var tool = ToolMapping.Resolve(Profile, SwarmOperation.ListAgents);
        var result = await _mcp.CallToolAsync(new McpToolCallParams { Name = tool.Name, Arguments = null }, cancellationToken).ConfigureAwait(false);
        using var doc = ToolResults.Read(tool.Name, result);
        return doc.RootElement.GetRawText();
    }

    /// <summary>Reads one agent.</summary>
    public async ValueTask<AgentSummary> GetAgentAsync(string agentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        if (Profile.Dialect == ServerDialect.Plain)
        {
            return Summaries.Agent(await _plain.GetAgentStatusAsync(new AgentIdParams { AgentId = agentId }, cancellationToken).ConfigureAwait(false));
        }

        return await CallAsync(SwarmOperation.GetAgent, (_, w) => w.WriteString("agentId", agentId),
            (root, _) => Summaries.Agent(root, agentId), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops an agent.</summary>
    public async ValueTask TerminateAgentAsync(string agentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        if (Profile.Dialect == ServerDialect.Plain)
        {
            await _plain.TerminateAgentAsync(new AgentIdParams { AgentId = agentId }, cancellationToken).ConfigureAwait(false);
            return;
        }

        await CallAsync(SwarmOperation.TerminateAgent, (_, w) => w.WriteString("agentId", agentId),
            static (_, _) => true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a task and assigns it to <paramref name="agentIds"/> (the plain dialect needs exactly one agent).</summary>
    public async ValueTask<TaskSummary> CreateTaskAsync(string description, string? priority, IReadOnlyList<string> agentIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(description);
        ArgumentNullException.ThrowIfNull(agentIds);
        if (Profile.Dialect == ServerDialect.Plain)
        {
            if (agentIds.Count != 1)
            {
                throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "the plain dialect's task.assign takes exactly one agent id");
            }

            return Summaries.Task(await _plain.AssignTaskAsync(new TaskAssignParams { AgentId = agentIds[0], Task = description }, cancellationToken).ConfigureAwait(false));
        }

        return await CallAsync(SwarmOperation.CreateTask, (tool, w) =>
        {
            if (tool.Name == "task_orchestrate")
            {
                w.WriteString("task", description);
            }
            else
            {
                w.WriteString("type", "feature");
                w.WriteString("description", description);
            }

            if (priority is not null)
            {
                w.WriteString("priority", priority);
            }

            if (agentIds.Count > 0 && ToolMapping.Accepts(tool, "assignTo"))
            {
                w.WriteStartArray("assignTo");
                foreach (var id in agentIds)
                {
                    w.WriteStringValue(id);
                }

                w.WriteEndArray();
            }
        }, static (root, _) => Summaries.Task(root), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a task's progress.</summary>
    public async ValueTask<TaskSummary> GetTaskAsync(string taskId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        if (Profile.Dialect == ServerDialect.Plain)
        {
            return Summaries.Task(await _plain.GetTaskStatusAsync(new TaskIdParams { TaskId = taskId }, cancellationToken).ConfigureAwait(false));
        }

        return await CallAsync(SwarmOperation.GetTask, (_, w) => w.WriteString("taskId", taskId),
            (root, _) => Summaries.Task(root, taskId), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cancels a task.</summary>
    public async ValueTask<TaskSummary> CancelTaskAsync(string taskId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        if (Profile.Dialect == ServerDialect.Plain)
        {
            return Summaries.Task(await _plain.CancelTaskAsync(new TaskIdParams { TaskId = taskId }, cancellationToken).ConfigureAwait(false));
        }

        return await CallAsync(SwarmOperation.CancelTask, (_, w) => w.WriteString("taskId", taskId),
            (root, _) => Summaries.Task(root, taskId), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<T> CallAsync<T>(
        SwarmOperation operation,
        Action<McpTool, Utf8JsonWriter> writeArguments,
        Func<JsonElement, McpTool, T> map,
        CancellationToken cancellationToken)
    {
        var tool = ToolMapping.Resolve(Profile, operation);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeArguments(tool, writer);
            writer.WriteEndObject();
        }

        using var args = JsonDocument.Parse(buffer.WrittenMemory);
        McpToolCallResult result;
        try
        {
            result = await _mcp.CallToolAsync(new McpToolCallParams { Name = tool.Name, Arguments = args.RootElement }, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonRpcException ex) when (ex.Code == JsonRpcErrorCodes.MethodNotFound && ex is not OperationNotOfferedException)
        {
            // The tool was listed but the server says it is gone (it changed under us): same meaning, clearer message.
            throw new OperationNotOfferedException($"{operation} is not offered by this server ({Profile.ServerName}): {ex.Message}", ex);
        }

        using var doc = ToolResults.Read(tool.Name, result);
        return map(doc.RootElement, tool);
    }
}

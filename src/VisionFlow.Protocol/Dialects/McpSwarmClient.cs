using System.Buffers;
using System.Text;
using System.Text.Json;
using VisionFlow.Protocol.Contracts.Mcp;

namespace VisionFlow.Protocol.Dialects;

/// <summary>
/// The swarm API over an MCP server's tools: each operation is mapped onto the tools the server actually lists
/// (<see cref="ToolMapping"/>), its arguments are named the way that server's schema names them, and in-band tool
/// failures (<c>isError</c>, <c>success: false</c>) become <see cref="ToolFailedException"/>.
/// </summary>
internal sealed class McpSwarmClient : ISwarmClient
{
    private readonly McpDialectClient _mcp;

    /// <summary>Creates a client over <paramref name="invoker"/> for a server detected as MCP.</summary>
    public McpSwarmClient(IJsonRpcInvoker invoker, ServerProfile profile)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.Dialect != ServerDialect.Mcp)
        {
            throw new ArgumentException($"{profile.ServerName} speaks the {profile.Dialect} dialect, not MCP", nameof(profile));
        }

        _mcp = new McpDialectClient(invoker);
        Profile = profile;
    }

    /// <inheritdoc />
    public ServerProfile Profile { get; }

    /// <inheritdoc />
    public async ValueTask PingAsync(CancellationToken cancellationToken) => await _mcp.PingAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <remarks>
    /// Several calls (<c>swarm_init</c>, then one <c>agent_spawn</c> per type), all or nothing: when the server refuses one
    /// of them, what this command made is undone (its agents terminated, the swarm shut down) and
    /// <see cref="SwarmInitFailedException"/> says what failed, why, what was undone and what could not be. A transport
    /// failure half way is not undone (the server cannot be reached to undo it) and surfaces as it is.
    /// </remarks>
    public async ValueTask<SwarmInfo> InitializeSwarmAsync(SwarmInitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.AgentTypes.Count > 0)
        {
            // Not offered means nothing may be made first.
            ToolMapping.Resolve(Profile, SwarmOperation.SpawnAgent);
        }

        var swarm = await CallAsync(SwarmOperation.InitializeSwarm, (_, w) =>
        {
            w.WriteString("topology", request.Topology);
            w.WriteNumber("maxAgents", request.MaxAgents);
            if (request.Strategy is not null)
            {
                w.WriteString("strategy", request.Strategy);
            }
        }, static (root, _) => Summaries.Swarm(root), cancellationToken).ConfigureAwait(false);

        var agents = new List<AgentSummary>(request.AgentTypes.Count);
        foreach (var type in request.AgentTypes)
        {
            try
            {
                agents.Add(await SpawnAgentAsync(new AgentSpawnRequest(type, swarm.Id, request.Task), cancellationToken).ConfigureAwait(false));
            }
            catch (ToolFailedException refused)
            {
                throw await RollBackAsync(swarm.Id, agents, type, refused).ConfigureAwait(false);
            }
        }

        return request.AgentTypes.Count > 0
            ? swarm with { AgentCount = agents.Count, AgentIds = agents.Select(a => a.Id).ToList(), Agents = agents }
            : swarm;
    }

    /// <summary>Undoes a half-made initialize; answers the exception that says what happened and what is left.</summary>
    private async ValueTask<SwarmInitFailedException> RollBackAsync(string swarmId, List<AgentSummary> made, string failedType, ToolFailedException refused)
    {
        // Undone even when the caller has gone: what we made must not be left behind because a browser closed.
        using var undo = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var rolledBack = new List<string>();
        var remaining = new List<string>();
        foreach (var agent in made)
        {
            try
            {
                await TerminateAgentAsync(agent.Id, undo.Token).ConfigureAwait(false);
                rolledBack.Add(agent.Id);
            }
            catch (Exception ex) when (ex is JsonRpcException or OperationCanceledException or IOException or InvalidOperationException)
            {
                remaining.Add(agent.Id);
            }
        }

        var swarmGone = false;
        try
        {
            // The id is the one swarm_init just answered, so swarm_shutdown cannot fall back to another swarm.
            await CallAsync(SwarmOperation.DissolveSwarm, (_, w) => w.WriteString("swarmId", swarmId),
                static (_, _) => true, undo.Token).ConfigureAwait(false);
            swarmGone = true;
        }
        catch (Exception ex) when (ex is JsonRpcException or OperationCanceledException or IOException or InvalidOperationException)
        {
        }

        var reason = refused.Message.StartsWith($"{refused.Tool} failed: ", StringComparison.Ordinal)
            ? refused.Message[(refused.Tool.Length + 9)..]
            : refused.Message;
        return new SwarmInitFailedException(
            string.IsNullOrEmpty(refused.Tool) ? "agent_spawn" : refused.Tool, reason, failedType, swarmId, rolledBack, swarmGone, remaining, Profile.AgentTypes.Types);
    }

    /// <inheritdoc />
    /// <remarks>Claude Flow answers an unknown id with its newest swarm; that answer is turned into not found.</remarks>
    public async ValueTask<SwarmInfo> GetSwarmAsync(string swarmId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(swarmId);
        var swarm = await CallAsync(SwarmOperation.GetSwarm, (_, w) => w.WriteString("swarmId", swarmId),
            static (root, _) => Summaries.Swarm(root), cancellationToken).ConfigureAwait(false);
        return swarm.Id == swarmId ? swarm : throw new ToolFailedException("swarm_status", $"swarm '{swarmId}' not found", notFound: true);
    }

    /// <inheritdoc />
    /// <remarks>Checks the swarm exists first: Claude Flow shuts down its newest swarm for an unknown id.</remarks>
    public async ValueTask DissolveSwarmAsync(string swarmId, CancellationToken cancellationToken)
    {
        await GetSwarmAsync(swarmId, cancellationToken).ConfigureAwait(false);
        await CallAsync(SwarmOperation.DissolveSwarm, (_, w) => w.WriteString("swarmId", swarmId),
            static (_, _) => true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Any type is forwarded; a refusal that lists the accepted types teaches <see cref="ServerProfile.AgentTypes"/>.</remarks>
    public async ValueTask<AgentSummary> SpawnAgentAsync(AgentSpawnRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Type);
        try
        {
            return await SpawnOnceAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ToolFailedException refused)
        {
            Profile.AgentTypes.LearnFromRefusal(refused.Message);
            throw;
        }
    }

    private async ValueTask<AgentSummary> SpawnOnceAsync(AgentSpawnRequest request, CancellationToken cancellationToken)
    {
        return await CallAsync(SwarmOperation.SpawnAgent, (tool, w) =>
        {
            // 3.x names it agentType; older servers type.
            w.WriteString(ToolMapping.Accepts(tool, "agentType") || !ToolMapping.Accepts(tool, "type") ? "agentType" : "type", request.Type);
            if (request.SwarmId is not null)
            {
                w.WriteString("swarmId", request.SwarmId);
            }

            if (request.Task is not null && ToolMapping.Accepts(tool, "task"))
            {
                w.WriteString("task", request.Task);
            }

            if (request.Model is not null)
            {
                w.WriteString(ToolMapping.Accepts(tool, "model") ? "model" : throw new OperationNotOfferedException(
                    $"{Profile.ServerName}'s {tool.Name} takes no model"), request.Model);
            }

            // Model settings go where the schema takes them: a config object, or top-level fields; a server that takes
            // neither cannot honour them, and saying so beats dropping them silently.
            if (request.MaxTokens is not null || request.Temperature is not null)
            {
                if (ToolMapping.Accepts(tool, "config"))
                {
                    w.WriteStartObject("config");
                    WriteModelSettings(w, request, "maxTokens");
                    w.WriteEndObject();
                }
                else if (ToolMapping.Accepts(tool, "maxTokens") || ToolMapping.Accepts(tool, "temperature"))
                {
                    WriteModelSettings(w, request, "maxTokens");
                }
                else
                {
                    throw new OperationNotOfferedException(
                        $"{Profile.ServerName}'s {tool.Name} takes no model settings (config.max_tokens, config.temperature)");
                }
            }
        }, (root, _) =>
        {
            var agent = Summaries.Agent(root);
            return agent with { Type = agent.Type ?? request.Type, SwarmId = agent.SwarmId ?? request.SwarmId };
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<AgentSummary>> ListAgentsAsync(AgentListQuery? query, CancellationToken cancellationToken)
    {
        var agents = await CallAsync(SwarmOperation.ListAgents, static (_, _) => { }, static (root, _) =>
        {
            var agents = new List<AgentSummary>();
            if (root.TryGetProperty("agents", out var array) && array.ValueKind == JsonValueKind.Array)
            {
                foreach (var a in array.EnumerateArray())
                {
                    agents.Add(Summaries.Agent(a));
                }
            }

            return agents;
        }, cancellationToken).ConfigureAwait(false);

        // Claude Flow's agent_list takes no filter or limit, so both are applied here, with the plain dialect's meaning.
        if (query is null)
        {
            return agents;
        }

        IEnumerable<AgentSummary> selected = agents;
        if (query.Filter is { } filter)
        {
            selected = selected.Where(a => string.Equals(a.Status, filter, StringComparison.Ordinal) || string.Equals(a.Type, filter, StringComparison.Ordinal));
        }

        if (query.Limit is { } limit)
        {
            selected = selected.Take(limit);
        }

        return selected.ToList();
    }

    /// <inheritdoc />
    public async ValueTask<byte[]> ListAgentsRawAsync(CancellationToken cancellationToken)
    {
        var tool = ToolMapping.Resolve(Profile, SwarmOperation.ListAgents);
        var result = await CallToolAsync(tool, SwarmOperation.ListAgents, null, cancellationToken).ConfigureAwait(false);
        foreach (var item in result.Content)
        {
            if (item.Type == "text" && item.Text is not null)
            {
                // The intake reads success:false / isError itself, so the text goes on as it came.
                return Encoding.UTF8.GetBytes(item.Text);
            }
        }

        throw new ToolFailedException(tool.Name, "the result has no text content", notFound: false);
    }

    /// <inheritdoc />
    public async ValueTask<AgentSummary> GetAgentAsync(string agentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        return await CallAsync(SwarmOperation.GetAgent, (_, w) => w.WriteString("agentId", agentId),
            (root, _) => Summaries.Agent(root, agentId), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask TerminateAgentAsync(string agentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        await CallAsync(SwarmOperation.TerminateAgent, (_, w) => w.WriteString("agentId", agentId),
            static (_, _) => true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<TaskSummary> CreateTaskAsync(string description, string? priority, IReadOnlyList<string> agentIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(description);
        ArgumentNullException.ThrowIfNull(agentIds);
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

    /// <inheritdoc />
    public async ValueTask<TaskSummary> GetTaskAsync(string taskId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return await CallAsync(SwarmOperation.GetTask, (_, w) => w.WriteString("taskId", taskId),
            (root, _) => Summaries.Task(root, taskId), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<TaskSummary> CancelTaskAsync(string taskId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return await CallAsync(SwarmOperation.CancelTask, (_, w) => w.WriteString("taskId", taskId),
            (root, _) => Summaries.Task(root, taskId), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<(IReadOnlyList<TaskSummary> Tasks, int? Total)> ListTasksAsync(CancellationToken cancellationToken) =>
        await CallAsync(SwarmOperation.ListTasks, static (_, _) => { }, static (root, _) =>
            ((IReadOnlyList<TaskSummary>)Summaries.Items(root, "tasks", static t => Summaries.Task(t)), Summaries.Count(root, "total")),
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <remarks>
    /// Claude Flow 3.x lists no swarms: <c>swarm_status</c> without an id answers its newest swarm and <c>totalSwarms</c>;
    /// each of <paramref name="knownSwarmIds"/> is read by id (an answer naming another swarm means it is gone).
    /// </remarks>
    public async ValueTask<(IReadOnlyList<SwarmInfo> Swarms, int? Total)> ListSwarmsAsync(IReadOnlyCollection<string> knownSwarmIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knownSwarmIds);
        var (newest, total) = await CallAsync(SwarmOperation.GetSwarm, static (_, _) => { }, static (root, tool) =>
        {
            var total = Summaries.Count(root, "totalSwarms");
            // No swarm yet: {"status":"no_swarm","totalSwarms":0} has no id.
            var hasId = root.TryGetProperty("swarmId", out _) || root.TryGetProperty("swarm_id", out _) || root.TryGetProperty("id", out _);
            return (Swarm: hasId ? Summaries.Swarm(root) : null, Total: total);
        }, cancellationToken).ConfigureAwait(false);

        var swarms = new List<SwarmInfo>();
        if (newest is not null)
        {
            swarms.Add(newest);
        }

        foreach (var id in knownSwarmIds)
        {
            if (swarms.Exists(s => s.Id == id))
            {
                continue;
            }

            try
            {
                swarms.Add(await GetSwarmAsync(id, cancellationToken).ConfigureAwait(false));
            }
            catch (ToolFailedException ex) when (ex.IsNotFound)
            {
                // Known to us, gone from the server: not listed.
            }
        }

        return (swarms, total);
    }

    /// <inheritdoc />
    public async ValueTask<TaskSummary> AssignTaskAsync(string taskId, IReadOnlyList<string> agentIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        ArgumentNullException.ThrowIfNull(agentIds);
        await CallAsync(SwarmOperation.AssignTask, (_, w) =>
        {
            w.WriteString("taskId", taskId);
            w.WriteStartArray("agentIds");
            foreach (var id in agentIds)
            {
                w.WriteStringValue(id);
            }

            w.WriteEndArray();
        }, static (_, _) => true, cancellationToken).ConfigureAwait(false);

        // task_assign answers only the assignment ({taskId, assignedTo, previouslyAssigned, status}): the task as it now is.
        return await GetTaskAsync(taskId, cancellationToken).ConfigureAwait(false);
    }

    private static void WriteModelSettings(Utf8JsonWriter w, AgentSpawnRequest request, string maxTokensName)
    {
        if (request.MaxTokens is { } maxTokens)
        {
            w.WriteNumber(maxTokensName, maxTokens);
        }

        if (request.Temperature is { } temperature)
        {
            w.WriteNumber("temperature", temperature);
        }
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
        var result = await CallToolAsync(tool, operation, args.RootElement, cancellationToken).ConfigureAwait(false);
        using var doc = ToolResults.Read(tool.Name, result);
        return map(doc.RootElement, tool);
    }

    private async ValueTask<McpToolCallResult> CallToolAsync(McpTool tool, SwarmOperation operation, JsonElement? arguments, CancellationToken cancellationToken)
    {
        try
        {
            return await _mcp.CallToolAsync(new McpToolCallParams { Name = tool.Name, Arguments = arguments }, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonRpcException ex) when (ex.Code == JsonRpcErrorCodes.MethodNotFound && ex is not OperationNotOfferedException)
        {
            // The tool was listed but the server says it is gone (it changed under us): same meaning, clearer message.
            throw new OperationNotOfferedException($"{operation} is not offered by this server ({Profile.ServerName}): {ex.Message}", ex);
        }
    }
}

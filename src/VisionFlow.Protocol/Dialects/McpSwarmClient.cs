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
    public async ValueTask<SwarmInfo> InitializeSwarmAsync(SwarmInitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var swarm = await CallAsync(SwarmOperation.InitializeSwarm, (_, w) =>
        {
            w.WriteString("topology", request.Topology);
            w.WriteNumber("maxAgents", request.MaxAgents);
            if (request.Strategy is not null)
            {
                w.WriteString("strategy", request.Strategy);
            }
        }, static (root, _) => Summaries.Swarm(root), cancellationToken).ConfigureAwait(false);

        var agents = new List<string>(request.AgentTypes.Count);
        foreach (var type in request.AgentTypes)
        {
            agents.Add((await SpawnAgentAsync(new AgentSpawnRequest(type, swarm.Id, request.Task), cancellationToken).ConfigureAwait(false)).Id);
        }

        return request.AgentTypes.Count > 0 ? swarm with { AgentCount = agents.Count, AgentIds = agents } : swarm;
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
    public async ValueTask<AgentSummary> SpawnAgentAsync(AgentSpawnRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Type);
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
            return agent with { Type = request.Type, SwarmId = agent.SwarmId ?? request.SwarmId };
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

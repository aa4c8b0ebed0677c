using System.Text.Json;
using VisionFlow.Protocol.Contracts.Plain;

namespace VisionFlow.Protocol.Dialects;

/// <summary>
/// The swarm API over the plain dialect's methods (<c>agent.*</c>, <c>multi-agent.*</c>, <c>task.*</c>). A method the
/// server does not have is <see cref="OperationNotOfferedException"/> (501), as with an MCP server's missing tool, and the
/// dialect's error codes for unknown ids and refusals become <see cref="ToolFailedException"/>.
/// </summary>
internal sealed class PlainSwarmClient : ISwarmClient
{
    private readonly IJsonRpcInvoker _invoker;
    private readonly PlainDialectClient _plain;

    /// <summary>Creates a client over <paramref name="invoker"/> for a server detected as plain JSON-RPC.</summary>
    public PlainSwarmClient(IJsonRpcInvoker invoker, ServerProfile profile)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.Dialect != ServerDialect.Plain)
        {
            throw new ArgumentException($"{profile.ServerName} speaks the {profile.Dialect} dialect, not the plain one", nameof(profile));
        }

        _invoker = invoker;
        _plain = new PlainDialectClient(invoker);
        Profile = profile;
    }

    /// <inheritdoc />
    public ServerProfile Profile { get; }

    /// <inheritdoc />
    public async ValueTask PingAsync(CancellationToken cancellationToken) =>
        await Call(PlainDialectMethods.Ping, _plain.PingAsync(cancellationToken)).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<SwarmInfo> InitializeSwarmAsync(SwarmInitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var m = await Call(PlainDialectMethods.InitializeMultiAgent, _plain.InitializeMultiAgentAsync(
            new MultiAgentInitializeParams { Topology = request.Topology, Agents = request.AgentTypes, Task = request.Task },
            cancellationToken)).ConfigureAwait(false);
        return Summaries.Swarm(m);
    }

    /// <inheritdoc />
    public async ValueTask<SwarmInfo> GetSwarmAsync(string swarmId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(swarmId);
        return Summaries.Swarm(await Call(PlainDialectMethods.GetMultiAgentStatus,
            _plain.GetMultiAgentStatusAsync(new MultiAgentIdParams { MultiAgentId = swarmId }, cancellationToken)).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async ValueTask DissolveSwarmAsync(string swarmId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(swarmId);
        await Call(PlainDialectMethods.DissolveMultiAgent,
            _plain.DissolveMultiAgentAsync(new MultiAgentIdParams { MultiAgentId = swarmId }, cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<AgentSummary> SpawnAgentAsync(AgentSpawnRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Type);
        var config = request.MaxTokens is null && request.Temperature is null
            ? null
            : new AgentConfig { MaxTokens = request.MaxTokens, Temperature = request.Temperature };
        var r = await Call(PlainDialectMethods.SpawnAgent,
            _plain.SpawnAgentAsync(new AgentSpawnParams { Type = request.Type, Task = request.Task, Config = config }, cancellationToken)).ConfigureAwait(false);
        return Summaries.Agent(r, request);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<AgentSummary>> ListAgentsAsync(AgentListQuery? query, CancellationToken cancellationToken)
    {
        var parameters = query is null ? null : new AgentListParams { Filter = query.Filter, Limit = query.Limit };
        var list = await Call(PlainDialectMethods.ListAgents, _plain.ListAgentsAsync(parameters, cancellationToken)).ConfigureAwait(false);
        return list.Agents.Select(Summaries.Agent).ToList();
    }

    /// <inheritdoc />
    public async ValueTask<byte[]> ListAgentsRawAsync(CancellationToken cancellationToken)
    {
        var result = await Call(PlainDialectMethods.ListAgents, _invoker.InvokeAsync(
            PlainDialectMethods.ListAgents, PlainDialectJsonContext.Default.JsonElement, cancellationToken)).ConfigureAwait(false);
        return JsonSerializer.SerializeToUtf8Bytes(result, PlainDialectJsonContext.Default.JsonElement);
    }

    /// <inheritdoc />
    public async ValueTask<AgentSummary> GetAgentAsync(string agentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        return Summaries.Agent(await Call(PlainDialectMethods.GetAgentStatus,
            _plain.GetAgentStatusAsync(new AgentIdParams { AgentId = agentId }, cancellationToken)).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async ValueTask TerminateAgentAsync(string agentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        await Call(PlainDialectMethods.TerminateAgent,
            _plain.TerminateAgentAsync(new AgentIdParams { AgentId = agentId }, cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>The plain dialect's <c>task.assign</c> takes exactly one agent.</remarks>
    public async ValueTask<TaskSummary> CreateTaskAsync(string description, string? priority, IReadOnlyList<string> agentIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(description);
        ArgumentNullException.ThrowIfNull(agentIds);
        if (agentIds.Count != 1)
        {
            throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "the plain dialect's task.assign takes exactly one agent id (agent_ids)");
        }

        return Summaries.Task(await Call(PlainDialectMethods.AssignTask,
            _plain.AssignTaskAsync(new TaskAssignParams { AgentId = agentIds[0], Task = description }, cancellationToken)).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async ValueTask<TaskSummary> GetTaskAsync(string taskId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return Summaries.Task(await Call(PlainDialectMethods.GetTaskStatus,
            _plain.GetTaskStatusAsync(new TaskIdParams { TaskId = taskId }, cancellationToken)).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async ValueTask<TaskSummary> CancelTaskAsync(string taskId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return Summaries.Task(await Call(PlainDialectMethods.CancelTask,
            _plain.CancelTaskAsync(new TaskIdParams { TaskId = taskId }, cancellationToken)).ConfigureAwait(false));
    }

    /// <inheritdoc />
    /// <remarks>The original's plain methods have no task listing; a server that adds <c>task.list</c> is read, any other is 501.</remarks>
    public async ValueTask<(IReadOnlyList<TaskSummary> Tasks, int? Total)> ListTasksAsync(CancellationToken cancellationToken)
    {
        var root = await Call(TaskListMethod, _invoker.InvokeAsync(TaskListMethod, PlainDialectJsonContext.Default.JsonElement, cancellationToken)).ConfigureAwait(false);
        return (Summaries.Items(root, "tasks", static t => Summaries.Task(t)), Summaries.Count(root, "total"));
    }

    /// <inheritdoc />
    /// <remarks>The plain dialect lists no swarms: each known one is read with <c>multi-agent.status</c>.</remarks>
    public async ValueTask<(IReadOnlyList<SwarmInfo> Swarms, int? Total)> ListSwarmsAsync(IReadOnlyCollection<string> knownSwarmIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knownSwarmIds);
        var swarms = new List<SwarmInfo>();
        foreach (var id in knownSwarmIds)
        {
            try
            {
                swarms.Add(await GetSwarmAsync(id, cancellationToken).ConfigureAwait(false));
            }
            catch (ToolFailedException ex) when (ex.IsNotFound)
            {
            }
        }

        return (swarms, null);
    }

    /// <inheritdoc />
    /// <remarks>The plain dialect's <c>task.assign</c> creates a task for one agent; it cannot assign an existing one.</remarks>
    public ValueTask<TaskSummary> AssignTaskAsync(string taskId, IReadOnlyList<string> agentIds, CancellationToken cancellationToken) =>
        ValueTask.FromException<TaskSummary>(new OperationNotOfferedException(
            $"assigning an existing task is not offered by this server ({Profile.ServerName}): the plain dialect's task.assign creates a new task"));

    private const string TaskListMethod = "task.list";

    /// <summary>Awaits one call and gives the dialect's errors their meaning.</summary>
    private async ValueTask<T> Call<T>(string method, ValueTask<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (JsonRpcException ex) when (ex is not (OperationNotOfferedException or ToolFailedException) && ex.InnerException is null)
        {
            throw ex.Code switch
            {
                JsonRpcErrorCodes.MethodNotFound => new OperationNotOfferedException($"{method} is not offered by this server ({Profile.ServerName}): {ex.Message}", ex),
                PlainErrorCodes.UnknownSwarm or PlainErrorCodes.UnknownAgent or PlainErrorCodes.UnknownTask => new ToolFailedException(method, ex.Message, notFound: true),
                PlainErrorCodes.MaxAgentsReached or PlainErrorCodes.InvalidState => new ToolFailedException(method, ex.Message, notFound: false),
                _ => ex,
            };
        }
    }
}

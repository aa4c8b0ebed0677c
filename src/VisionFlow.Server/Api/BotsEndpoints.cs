using System.Buffers;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VisionFlow.Connections.Failures;
using VisionFlow.Connections.Link;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Mcp;
using VisionFlow.Server.Structure;

namespace VisionFlow.Server.Api;

/// <summary>
/// Maps <c>/api/bots/*</c>. Reads come from the live agent cache (empty plus a reason when MCP is down, never
/// invented); commands go through the MCP link and answer with what really happened (503 with the degradation state
/// when the link is down, 501 when the server lacks the operation, 409 at the agent limit), read from the one failure
/// classifier.
/// </summary>
internal static class BotsEndpoints
{
    /// <summary>How long a spawned agent keeps its admission slot while telemetry has not shown it yet.</summary>
    /// <remarks>Telemetry shows a spawn within one push or one poll (polls refresh at once after a command), so this is
    /// only reached when the agent died at once or the server never lists it.</remarks>
    private static readonly TimeSpan SpawnGrace = TimeSpan.FromSeconds(10);

    private static readonly SearchValues<char> IdChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:");
    private static readonly HashSet<string> Topologies = new(StringComparer.Ordinal) { "mesh", "hierarchical", "ring", "star", "hierarchical-mesh", "hybrid", "adaptive" };
    private static readonly HashSet<string> Priorities = new(StringComparer.Ordinal) { "low", "normal", "medium", "high", "critical" };

    public static IEndpointRouteBuilder MapBotsEndpoints(this IEndpointRouteBuilder app)
    {
        var bots = app.MapGroup("/api/bots");
        bots.MapGet("/status", Status);
        bots.MapGet("/agents", ListAgentsAsync);
        bots.MapGet("/agents/{id}", GetAgentAsync);
        bots.MapPost("/agents", SpawnAgentAsync);
        bots.MapDelete("/agents/{id}", TerminateAgentAsync);
        bots.MapPost("/multi-agent/init", InitSwarmAsync);
        bots.MapGet("/multi-agent/{id}", GetSwarmAsync);
        bots.MapDelete("/multi-agent/{id}", DissolveSwarmAsync);
        bots.MapPost("/tasks", CreateTaskAsync);
        bots.MapGet("/tasks/{id}", GetTaskAsync);
        bots.MapDelete("/tasks/{id}", CancelTaskAsync);
        bots.MapGet("/tasks", ListTasksAsync);
        bots.MapPost("/tasks/{id}/assign", AssignTaskAsync);
        bots.MapGet("/swarms", ListSwarmsAsync);
        return app;
    }

    private static IResult Status(McpServices mcp)
    {
        var link = mcp.Link.Status;
        var cache = mcp.Intake.Cache; // the published counts, current after every batch: no snapshot needed
        var counters = mcp.Intake.Counters;
        var degradation = mcp.Link.Degradation.Current;
        return TypedResults.Json(
            new BotsStatusResponse(
                link.StateName,
                link.Detail,
                link.Address,
                link.Profile?.Describe(),
                link.Profile?.Dialect.ToString().ToLowerInvariant(),
                link.Profile?.IsSimulator ?? false,
                link.TelemetryName,
                link.LastFailure is { } failure ? new LinkFailureView(failure.KindName, failure.Message, link.LastFailureAt) : null,
                link.State == McpLinkState.Unavailable && link.RetryInterval is { } retry ? (long)retry.TotalMilliseconds : null,
                link.State == McpLinkState.Unavailable ? link.NextAttemptAt : null,
                link.ConnectedSince,
                degradation.LevelName,
                degradation.Message,
                cache.Count,
                cache.Untracked,
                cache.MaxAgents,
                cache.IsAvailable && degradation.AgentGraphEnabled,
                counters.EventsAccepted,
                counters.Refused,
                link.Profile?.AgentTypes.Types,
                link.Profile?.AgentTypes.Source),
            ApiJsonContext.Default.BotsStatusResponse);
    }

    private static async Task<IResult> ListAgentsAsync(HttpContext context, McpServices mcp, AgentsResponseCache cache, CancellationToken ct)
    {
        var query = context.Request.Query;
        if (!query.ContainsKey("filter") && !query.ContainsKey("limit"))
        {
            // A snapshot as new as the last batch: built now if nobody asked since (the intake builds them on demand only).
            var snapshot = await mcp.Intake.Cache.GetSnapshotAsync(ct).ConfigureAwait(false);
            return new AgentsBodyResult(cache.Acquire(mcp, snapshot));
        }

        // A filter or a limit is the peer's agent.list query: asked of the server, not of our cache.
        string? filter = query["filter"];
        if (filter is not null && BadName(filter, "filter") is { } badFilter)
        {
            return badFilter;
        }

        int? limit = null;
        if (query.ContainsKey("limit"))
        {
            if (!int.TryParse(query["limit"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n is < 1 or > 100_000)
            {
                return JsonBody.Bad("limit must be an integer from 1 to 100000");
            }

            limit = n;
        }

        return await RunAsync(mcp, async () =>
        {
            var agents = await mcp.Link.ExecuteAsync((c, t) => c.ListAgentsAsync(new AgentListQuery(filter, limit), t), ct).ConfigureAwait(false);
            return TypedResults.Json(new AgentQueryResponse(filter, limit, agents.Count, agents), ApiJsonContext.Default.AgentQueryResponse);
        }).ConfigureAwait(false);
    }

    private static async Task<IResult> GetAgentAsync(string id, McpServices mcp, CancellationToken ct)
    {
        if (BadId(id, "agent") is { } bad)
        {
            return bad;
        }

        var cached = (await mcp.Intake.Cache.GetSnapshotAsync(ct).ConfigureAwait(false)).Agents.FirstOrDefault(a => a.Id == id);
        if (cached is not null && mcp.Link.Status.State == McpLinkState.Connected)
        {
            return TypedResults.Json(AgentsResponseCache.ToView(cached), ApiJsonContext.Default.AgentView);
        }

        return await RunAsync(mcp, async () =>
        {
            var agent = await mcp.Link.ExecuteAsync((c, t) => c.GetAgentAsync(id, t), ct).ConfigureAwait(false);
            return TypedResults.Json(agent, ApiJsonContext.Default.AgentSummary);
        }).ConfigureAwait(false);
    }

    private static async Task<IResult> SpawnAgentAsync(HttpContext context, McpServices mcp, TimeProvider time, CancellationToken ct)
    {
        var read = await JsonBody.ReadAsync(context, ApiJsonContext.Default.AgentSpawnBody).ConfigureAwait(false);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        var body = read.Value!;
        if (BadName(body.Type, "type") is { } badType)
        {
            return badType;
        }

        if (body.SwarmId is not null && BadId(body.SwarmId, "swarm_id") is { } badSwarm)
        {
            return badSwarm;
        }

        if (body.Task is { Length: > 2000 })
        {
            return JsonBody.Bad("task is longer than 2000 characters");
        }

        if (body.Config is { MaxTokens: < 1 or > 10_000_000 })
        {
            return JsonBody.Bad("config.max_tokens must be from 1 to 10000000");
        }

        if (body.Config?.Temperature is { } temperature && (!double.IsFinite(temperature) || temperature is < 0 or > 2))
        {
            return JsonBody.Bad("config.temperature must be a number from 0 to 2");
        }

        if (body.Model is not null && BadName(body.Model, "model") is { } badModel)
        {
            return badModel;
        }

        var request = new AgentSpawnRequest(body.Type!, body.SwarmId, body.Task, body.Config?.MaxTokens, body.Config?.Temperature, body.Model);
        return await AdmitAsync(mcp, 1, time, async () =>
        {
            var session = 0L;
            var agent = await mcp.Link.ExecuteAsync((c, t) =>
            {
                // The session the spawn is sent in (after any wait for the first connection; again on a retry).
                session = mcp.Link.Status.Session;
                return c.SpawnAgentAsync(request, t);
            }, ct, changesState: true).ConfigureAwait(false);

            // Shown now, not at the server's next telemetry frame: our own change within one round trip. Tagged with the
            // session it was sent in, which the intake ignores once a newer one has begun: a peer that restarted in the
            // meantime reports what it really has in its new session's listing, and no agent of ours outlives that.
            mcp.Intake.OnAgentSpawned(session, agent);
            if (agent.SwarmId is not null)
            {
                // The swarm's agent count changed: read again now, not at the next interval.
                await RefreshStructureAsync(mcp, ct).ConfigureAwait(false);
            }

            return ([agent.Id], TypedResults.Json(agent, ApiJsonContext.Default.AgentSummary, statusCode: StatusCodes.Status201Created));
        }).ConfigureAwait(false);
    }

    private static async Task<IResult> TerminateAgentAsync(string id, McpServices mcp, CancellationToken ct) =>
        BadId(id, "agent") ?? await RunAsync(mcp, async () =>
        {
            await mcp.Link.ExecuteAsync(async (c, t) =>
            {
                await c.TerminateAgentAsync(id, t).ConfigureAwait(false);
                return true;
            }, ct, changesState: true).ConfigureAwait(false);
            await RefreshAgentsAsync(mcp, ct).ConfigureAwait(false);
            return Results.NoContent();
        }).ConfigureAwait(false);

    private static async Task<IResult> InitSwarmAsync(HttpContext context, McpServices mcp, ServerOptions options, TimeProvider time, CancellationToken ct)
    {
        var read = await JsonBody.ReadAsync(context, ApiJsonContext.Default.SwarmInitBody).ConfigureAwait(false);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        var body = read.Value!;
        var topology = body.Topology ?? "mesh";
        if (!Topologies.Contains(topology))
        {
            return JsonBody.Bad($"topology must be one of: {string.Join(", ", Topologies)}");
        }

        var max = body.MaxAgents ?? Math.Min(8, options.McpMaxAgents);
        if (max < 1 || max > options.McpMaxAgents)
        {
            return JsonBody.Bad($"max_agents must be from 1 to {options.McpMaxAgents} (MCP_MAX_AGENTS)");
        }

        var types = body.AgentTypes ?? [];
        if (types.Count > max)
        {
            return JsonBody.Bad($"agent_types lists {types.Count} agents, more than max_agents ({max})");
        }

        foreach (var type in types)
        {
            if (BadName(type, "agent_types[]") is { } badType)
            {
                return badType;
            }
        }

        if (body.Strategy is not null && BadName(body.Strategy, "strategy") is { } badStrategy)
        {
            return badStrategy;
        }

        if (body.Task is { Length: > 2000 })
        {
            return JsonBody.Bad("task is longer than 2000 characters");
        }

        var request = new SwarmInitRequest(topology, max, body.Strategy, types, body.Task);
        async Task<(IReadOnlyList<string> Agents, IResult Result)> Initialize()
        {
            var session = 0L;
            SwarmInfo swarm;
            try
            {
                swarm = await mcp.Link.ExecuteAsync((c, t) =>
                {
                    session = mcp.Link.Status.Session;
                    return c.InitializeSwarmAsync(request, t);
                }, ct, changesState: true).ConfigureAwait(false);
            }
            catch (SwarmInitFailedException)
            {
                // Rolled back (or not entirely): the answer says what exists, and so must the agents list when it is read next.
                await RefreshAgentsAsync(mcp, ct).ConfigureAwait(false);
                throw;
            }

            // The swarm's agents are shown with their swarm at once: agent_list does not say which swarm an agent is in.
            foreach (var agent in swarm.Agents ?? [])
            {
                mcp.Intake.OnAgentSpawned(session, agent);
            }

            // Listed from now on, also when no agent names it (Claude Flow's swarm_status answers only its newest swarm).
            mcp.Structure.RememberSwarm(session, swarm.Id);
            await RefreshStructureAsync(mcp, ct).ConfigureAwait(false);

            return (swarm.AgentIds ?? [], TypedResults.Json(swarm, ApiJsonContext.Default.SwarmInfo, statusCode: StatusCodes.Status201Created));
        }

        return types.Count == 0
            ? await RunAsync(mcp, async () => (await Initialize().ConfigureAwait(false)).Result).ConfigureAwait(false)
            : await AdmitAsync(mcp, types.Count, time, Initialize).ConfigureAwait(false);
    }

    private static async Task<IResult> GetSwarmAsync(string id, McpServices mcp, CancellationToken ct) =>
        BadId(id, "swarm") ?? await RunAsync(mcp, async () =>
            TypedResults.Json(await mcp.Link.ExecuteAsync((c, t) => c.GetSwarmAsync(id, t), ct).ConfigureAwait(false), ApiJsonContext.Default.SwarmInfo)).ConfigureAwait(false);

    private static async Task<IResult> DissolveSwarmAsync(string id, McpServices mcp, CancellationToken ct) =>
        BadId(id, "swarm") ?? await RunAsync(mcp, async () =>
        {
            await mcp.Link.ExecuteAsync(async (c, t) =>
            {
                await c.DissolveSwarmAsync(id, t).ConfigureAwait(false);
                return true;
            }, ct, changesState: true).ConfigureAwait(false);
            await RefreshAgentsAsync(mcp, ct).ConfigureAwait(false);
            await RefreshStructureAsync(mcp, ct).ConfigureAwait(false);
            return Results.NoContent();
        }).ConfigureAwait(false);

    private static async Task<IResult> CreateTaskAsync(HttpContext context, McpServices mcp, CancellationToken ct)
    {
        var read = await JsonBody.ReadAsync(context, ApiJsonContext.Default.TaskCreateBody).ConfigureAwait(false);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        var body = read.Value!;
        if (string.IsNullOrWhiteSpace(body.Description) || body.Description.Length > 2000)
        {
            return JsonBody.Bad("description is required, at most 2000 characters");
        }

        if (body.Priority is not null && !Priorities.Contains(body.Priority))
        {
            return JsonBody.Bad($"priority must be one of: {string.Join(", ", Priorities)}");
        }

        var agents = body.AgentIds ?? [];
        if (agents.Count > 100)
        {
            return JsonBody.Bad("agent_ids lists more than 100 agents");
        }

        foreach (var agent in agents)
        {
            if (BadId(agent, "agent_ids[]") is { } bad)
            {
                return bad;
            }
        }

        return await RunAsync(mcp, async () =>
        {
            var task = await mcp.Link.ExecuteAsync((c, t) => c.CreateTaskAsync(body.Description, body.Priority, agents, t), ct, changesState: true).ConfigureAwait(false);
            await RefreshStructureAsync(mcp, ct).ConfigureAwait(false);
            return TypedResults.Json(task, ApiJsonContext.Default.TaskSummary, statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false);
    }

    private static async Task<IResult> GetTaskAsync(string id, McpServices mcp, CancellationToken ct) =>
        BadId(id, "task") ?? await RunAsync(mcp, async () =>
            TypedResults.Json(await mcp.Link.ExecuteAsync((c, t) => c.GetTaskAsync(id, t), ct).ConfigureAwait(false), ApiJsonContext.Default.TaskSummary)).ConfigureAwait(false);

    private static async Task<IResult> CancelTaskAsync(string id, McpServices mcp, CancellationToken ct) =>
        BadId(id, "task") ?? await RunAsync(mcp, async () =>
        {
            var task = await mcp.Link.ExecuteAsync((c, t) => c.CancelTaskAsync(id, t), ct, changesState: true).ConfigureAwait(false);
            await RefreshStructureAsync(mcp, ct).ConfigureAwait(false);
            return TypedResults.Json(task, ApiJsonContext.Default.TaskSummary);
        }).ConfigureAwait(false);

    /// <summary>The server's tasks as the structure tracker last read them (read now when it has not in this session).</summary>
    private static async Task<IResult> ListTasksAsync(McpServices mcp, CancellationToken ct) =>
        await RunAsync(mcp, async () =>
        {
            var snapshot = await mcp.Structure.CurrentAsync(ct).ConfigureAwait(false);
            ThrowUnlessListed(snapshot.TasksListed, snapshot.TasksError);
            var profile = mcp.Link.Status.Profile;
            return TypedResults.Json(
                new TasksResponse(profile?.Describe(), profile?.IsSimulator ?? false, snapshot.TaskTotal, snapshot.Tasks.Count, snapshot.Tasks),
                ApiJsonContext.Default.TasksResponse);
        }).ConfigureAwait(false);

    /// <summary>
    /// The server's swarms as the structure tracker last read them: those it shows, ours (initialized here) and those the
    /// live agents name (Claude Flow answers only its newest).
    /// </summary>
    private static async Task<IResult> ListSwarmsAsync(McpServices mcp, CancellationToken ct) =>
        await RunAsync(mcp, async () =>
        {
            var snapshot = await mcp.Structure.CurrentAsync(ct).ConfigureAwait(false);
            ThrowUnlessListed(snapshot.SwarmsListed, snapshot.SwarmsError);
            var profile = mcp.Link.Status.Profile;
            var swarms = snapshot.Swarms;
            return TypedResults.Json(
                new SwarmsResponse(profile?.Describe(), profile?.IsSimulator ?? false, snapshot.SwarmTotal, swarms.Count,
                    snapshot.SwarmTotal is { } total ? swarms.Count >= total : null, swarms),
                ApiJsonContext.Default.SwarmsResponse);
        }).ConfigureAwait(false);

    /// <summary>
    /// A listing the tracker could not read is answered with why (mapped like a command's failure): when it was never
    /// read in this session, when the server does not offer it, or when the link is down. A read that failed after one
    /// that worked leaves the last one standing.
    /// </summary>
    private static void ThrowUnlessListed(bool listed, Exception? error)
    {
        if (error is not null && (!listed || FailureClassifier.Classify(error).Kind is McpFailureKind.NotOffered or McpFailureKind.LinkDown))
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
    }

    private static async Task<IResult> AssignTaskAsync(string id, HttpContext context, McpServices mcp, CancellationToken ct)
    {
        if (BadId(id, "task") is { } badTask)
        {
            return badTask;
        }

        var read = await JsonBody.ReadAsync(context, ApiJsonContext.Default.TaskAssignBody).ConfigureAwait(false);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        var agents = read.Value!.AgentIds ?? [];
        if (agents.Count is 0 or > 100)
        {
            return JsonBody.Bad("agent_ids is required: 1 to 100 agent ids");
        }

        foreach (var agent in agents)
        {
            if (BadId(agent, "agent_ids[]") is { } bad)
            {
                return bad;
            }
        }

        return await RunAsync(mcp, async () =>
        {
            var task = await mcp.Link.ExecuteAsync((c, t) => c.AssignTaskAsync(id, agents, t), ct, changesState: true).ConfigureAwait(false);
            await RefreshStructureAsync(mcp, ct).ConfigureAwait(false);
            return TypedResults.Json(task, ApiJsonContext.Default.TaskSummary);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// After a command that removed agents from a polled server, reads its listing into the cache before answering, so
    /// what <c>GET /api/bots/agents</c> shows next is what the answer said exists (not the listing of a poll from before).
    /// A server that pushes its own events needs none; a refresh that fails leaves the next poll to it.
    /// </summary>
    private static async Task RefreshAgentsAsync(McpServices mcp, CancellationToken ct)
    {
        var status = mcp.Link.Status;
        if (status.Telemetry != TelemetryMode.Poll || status.Session <= 0)
        {
            return;
        }

        try
        {
            await mcp.Link.RefreshListingAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (FailureClassifier.Classify(ex) is { IsExpected: true, Kind: not McpFailureKind.Cancelled })
        {
        }
    }

    /// <summary>
    /// After a command that changed swarms or tasks, reads them again before answering, so the listings (and the graph's
    /// hubs) show its effect next; a read that fails leaves it to the next interval.
    /// </summary>
    private static async Task RefreshStructureAsync(McpServices mcp, CancellationToken ct)
    {
        try
        {
            await mcp.Structure.RefreshAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Runs a spawn under the agent limit: its slots are reserved before anything is sent (409 when none are left, however
    /// many spawns arrive at once), released when it fails, and kept for the agents it made until telemetry shows them.
    /// </summary>
    private static async Task<IResult> AdmitAsync(McpServices mcp, int count, TimeProvider time, Func<Task<(IReadOnlyList<string> Agents, IResult Result)>> spawn)
    {
        if (!mcp.Intake.Cache.Admission.TryReserve(count, out var ticket, out var refusal))
        {
            return Problem(StatusCodes.Status409Conflict, "Agent limit reached", refusal!, mcp);
        }

        return await RunAsync(mcp, async () =>
        {
            try
            {
                var (agents, result) = await spawn().ConfigureAwait(false);
                ticket.Commit(agents, time, SpawnGrace);
                return result;
            }
            catch
            {
                ticket.Release();
                throw;
            }
        }).ConfigureAwait(false);
    }

    /// <summary>Maps every way a command can fail onto a status code and a problem that says what happened.</summary>
    /// <remarks>Cancellations (the client went away) and unexpected exceptions (defects: a 500 and a stack trace) pass through.</remarks>
    private static async Task<IResult> RunAsync(McpServices mcp, Func<Task<IResult>> command)
    {
        try
        {
            return await command().ConfigureAwait(false);
        }
        catch (Exception ex) when (FailureClassifier.Classify(ex) is { IsExpected: true, Kind: not McpFailureKind.Cancelled } failure)
        {
            // The request's span (when traced) says why, also when no MCP call was made (link down, circuit open).
            Activity.Current?.SetTag("error.type", failure.KindName);
            // The problem carries the failure's kind (failure_kind), so a client words or handles it without reading the text.
            var kind = failure.KindName;
            return failure.Kind switch
            {
                McpFailureKind.NotOffered => Problem(StatusCodes.Status501NotImplemented, "Not offered by this MCP server", failure.Message, mcp, kind),
                McpFailureKind.NotFound => Problem(StatusCodes.Status404NotFound, "Not found", failure.Message, mcp, kind),
                McpFailureKind.Refusal when ex is SwarmInitFailedException init => Problem(StatusCodes.Status422UnprocessableEntity,
                    "The MCP server refused the command; what it made was rolled back", failure.Message, mcp, kind, Undone(init)),
                McpFailureKind.Refusal => Problem(StatusCodes.Status422UnprocessableEntity, "The MCP server refused the command", failure.Message, mcp, kind),
                McpFailureKind.InvalidParams => Problem(StatusCodes.Status422UnprocessableEntity, "The MCP server rejected the arguments", failure.Message, mcp, kind),
                McpFailureKind.ServerError => Problem(StatusCodes.Status502BadGateway,
                    ex is JsonRpcException rpc ? $"MCP error {rpc.Code}" : "MCP error", failure.Message, mcp, kind),
                McpFailureKind.Timeout => Problem(StatusCodes.Status504GatewayTimeout, "MCP server timed out", $"MCP server {mcp.Link.Status.Address} {failure.Phrase}: {failure.Message}", mcp, kind),
                // The link's own refusal already says what is wrong and what happens next.
                McpFailureKind.LinkDown => Problem(StatusCodes.Status503ServiceUnavailable, "MCP server unavailable", failure.Message, mcp, kind),
                _ => Problem(StatusCodes.Status503ServiceUnavailable, "MCP server unavailable", $"MCP server {mcp.Link.Status.Address} {failure.Phrase}: {failure.Message}", mcp, kind),
            };
        }
    }

    /// <param name="failureKind">The classified MCP failure's name (<see cref="FailureClassifier.Name"/>) when the problem is
    /// one; null for our own refusals (the agent limit).</param>
    /// <param name="more">Further members of the problem (what a half-done command made and undid).</param>
    private static IResult Problem(int status, string title, string detail, McpServices mcp, string? failureKind = null, Dictionary<string, object?>? more = null)
    {
        var degradation = mcp.Link.Degradation.Current;
        var extensions = more ?? [];
        extensions["degradation_level"] = degradation.LevelName;
        extensions["degradation_message"] = degradation.Message;
        if (failureKind is not null)
        {
            extensions["failure_kind"] = failureKind;
        }

        return Results.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);
    }

    /// <summary>What a refused initialize made and undid, for its problem answer: exactly what exists afterwards.</summary>
    private static Dictionary<string, object?> Undone(SwarmInitFailedException init) => new()
    {
        ["failed_type"] = init.FailedType,
        ["reason"] = init.Reason,
        ["accepted_types"] = init.AcceptedTypes?.ToArray(),
        ["swarm_id"] = init.SwarmId,
        ["rolled_back_agent_ids"] = init.RolledBackAgentIds.ToArray(),
        ["swarm_rolled_back"] = init.SwarmRolledBack,
        ["remaining_agent_ids"] = init.RemainingAgentIds.ToArray(),
        ["swarm_remains"] = init.SwarmId is not null && !init.SwarmRolledBack,
    };

    private static IResult? BadId(string? id, string what) =>
        string.IsNullOrEmpty(id) || id.Length > 128 || id.AsSpan().ContainsAnyExcept(IdChars)
            ? JsonBody.Bad($"{what} id must be 1-128 characters of letters, digits and - _ . :")
            : null;

    private static IResult? BadName(string? name, string field) =>
        string.IsNullOrEmpty(name) || name.Length > 64 || name.AsSpan().ContainsAnyExcept(IdChars)
            ? JsonBody.Bad($"{field} is required: 1-64 characters of letters, digits and - _ . :")
            : null;
}

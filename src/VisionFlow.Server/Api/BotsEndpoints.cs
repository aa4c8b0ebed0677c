using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Polly.CircuitBreaker;
using Polly.Timeout;
using VisionFlow.Agents.Cache;
using VisionFlow.Connections.Pooling;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;
using VisionFlow.Server.Configuration;
using VisionFlow.Server.Mcp;

namespace VisionFlow.Server.Api;

/// <summary>
/// Maps <c>/api/bots/*</c>. Reads come from the live agent cache (empty plus a reason when MCP is down, never
/// invented); commands go through the MCP gateway and answer 503 with the degradation state when it is unavailable.
/// </summary>
internal static class BotsEndpoints
{
    private static readonly SearchValues<char> IdChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:");
    private static readonly HashSet<string> Topologies = new(StringComparer.Ordinal) { "mesh", "hierarchical", "ring", "star", "hierarchical-mesh", "hybrid", "adaptive" };
    private static readonly HashSet<string> Priorities = new(StringComparer.Ordinal) { "low", "normal", "medium", "high", "critical" };

    public static IEndpointRouteBuilder MapBotsEndpoints(this IEndpointRouteBuilder app)
    {
        var bots = app.MapGroup("/api/bots");
        bots.MapGet("/status", Status);
        bots.MapGet("/agents", ListAgents);
        bots.MapGet("/agents/{id}", GetAgentAsync);
        bots.MapPost("/agents", SpawnAgentAsync);
        bots.MapDelete("/agents/{id}", TerminateAgentAsync);
        bots.MapPost("/multi-agent/init", InitSwarmAsync);
        bots.MapGet("/multi-agent/{id}", GetSwarmAsync);
        bots.MapDelete("/multi-agent/{id}", DissolveSwarmAsync);
        bots.MapPost("/tasks", CreateTaskAsync);
        bots.MapGet("/tasks/{id}", GetTaskAsync);
        bots.MapDelete("/tasks/{id}", CancelTaskAsync);
        return app;
    }

    private static IResult Status(McpGateway gateway)
    {
        var profile = gateway.Profile;
        var snapshot = gateway.Intake.Cache.Snapshot;
        var counters = gateway.Intake.Counters;
        var degradation = gateway.Degradation.Current;
        return TypedResults.Json(
            new BotsStatusResponse(
                gateway.State.ToString().ToLowerInvariant(),
                gateway.StateDetail,
                profile?.Describe(),
                profile?.Dialect.ToString().ToLowerInvariant(),
                profile?.IsSimulator ?? false,
                gateway.Telemetry.Mode,
                degradation.LevelName,
                degradation.Message,
                snapshot.Agents.Count,
                snapshot.MaxAgents,
                snapshot.Available && degradation.AgentGraphEnabled,
                counters.EventsAccepted,
                counters.Refused),
            ServerJsonContext.Default.BotsStatusResponse);
    }

    private static IResult ListAgents(McpGateway gateway, AgentsResponseCache cache) => new AgentsBodyResult(cache.Acquire(gateway));

    private static async Task<IResult> GetAgentAsync(string id, McpGateway gateway, CancellationToken ct)
    {
        if (BadId(id, "agent") is { } bad)
        {
            return bad;
        }

        var cached = gateway.Intake.Cache.Snapshot.Agents.FirstOrDefault(a => a.Id == id);
        if (cached is not null && gateway.State == McpLinkState.Connected)
        {
            return TypedResults.Json(AgentsResponseCache.ToView(cached), ServerJsonContext.Default.AgentView);
        }

        return await RunAsync(gateway, async () =>
        {
            var agent = await gateway.ExecuteAsync((c, t) => c.GetAgentAsync(id, t), ct).ConfigureAwait(false);
            return TypedResults.Json(agent, ServerJsonContext.Default.AgentSummary);
        }).ConfigureAwait(false);
    }

    private static async Task<IResult> SpawnAgentAsync(HttpContext context, McpGateway gateway, CancellationToken ct)
    {
        var read = await JsonBody.ReadAsync(context, ServerJsonContext.Default.AgentSpawnBody).ConfigureAwait(false);
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

        if (Admit(gateway, 1) is { } refused)
        {
            return refused;
        }

        return await RunAsync(gateway, async () =>
        {
            var agent = await gateway.ExecuteAsync((c, t) => c.SpawnAgentAsync(body.Type!, body.SwarmId, body.Task, t), ct).ConfigureAwait(false);
            return TypedResults.Json(agent, ServerJsonContext.Default.AgentSummary, statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false);
    }

    private static async Task<IResult> TerminateAgentAsync(string id, McpGateway gateway, CancellationToken ct) =>
        BadId(id, "agent") ?? await RunAsync(gateway, async () =>
        {
            await gateway.ExecuteAsync(async (c, t) =>
            {
                await c.TerminateAgentAsync(id, t).ConfigureAwait(false);
                return true;
            }, ct).ConfigureAwait(false);
            return Results.NoContent();
        }).ConfigureAwait(false);

    private static async Task<IResult> InitSwarmAsync(HttpContext context, McpGateway gateway, ServerOptions options, CancellationToken ct)
    {
        var read = await JsonBody.ReadAsync(context, ServerJsonContext.Default.SwarmInitBody).ConfigureAwait(false);
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

        if (types.Count > 0 && Admit(gateway, types.Count) is { } refused)
        {
            return refused;
        }

        return await RunAsync(gateway, async () =>
        {
            var swarm = await gateway.ExecuteAsync(
                (c, t) => c.InitializeSwarmAsync(new SwarmInitRequest(topology, max, body.Strategy, types, body.Task), t), ct).ConfigureAwait(false);
            return TypedResults.Json(swarm, ServerJsonContext.Default.SwarmInfo, statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false);
    }

    private static async Task<IResult> GetSwarmAsync(string id, McpGateway gateway, CancellationToken ct) =>
        BadId(id, "swarm") ?? await RunAsync(gateway, async () =>
            TypedResults.Json(await gateway.ExecuteAsync((c, t) => c.GetSwarmAsync(id, t), ct).ConfigureAwait(false), ServerJsonContext.Default.SwarmInfo)).ConfigureAwait(false);

    private static async Task<IResult> DissolveSwarmAsync(string id, McpGateway gateway, CancellationToken ct) =>
        BadId(id, "swarm") ?? await RunAsync(gateway, async () =>
        {
            await gateway.ExecuteAsync(async (c, t) =>
            {
                await c.DissolveSwarmAsync(id, t).ConfigureAwait(false);
                return true;
            }, ct).ConfigureAwait(false);
            return Results.NoContent();
        }).ConfigureAwait(false);

    private static async Task<IResult> CreateTaskAsync(HttpContext context, McpGateway gateway, CancellationToken ct)
    {
        var read = await JsonBody.ReadAsync(context, ServerJsonContext.Default.TaskCreateBody).ConfigureAwait(false);
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

        return await RunAsync(gateway, async () =>
        {
            var task = await gateway.ExecuteAsync((c, t) => c.CreateTaskAsync(body.Description, body.Priority, agents, t), ct).ConfigureAwait(false);
            return TypedResults.Json(task, ServerJsonContext.Default.TaskSummary, statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false);
    }

    private static async Task<IResult> GetTaskAsync(string id, McpGateway gateway, CancellationToken ct) =>
        BadId(id, "task") ?? await RunAsync(gateway, async () =>
            TypedResults.Json(await gateway.ExecuteAsync((c, t) => c.GetTaskAsync(id, t), ct).ConfigureAwait(false), ServerJsonContext.Default.TaskSummary)).ConfigureAwait(false);

    private static async Task<IResult> CancelTaskAsync(string id, McpGateway gateway, CancellationToken ct) =>
        BadId(id, "task") ?? await RunAsync(gateway, async () =>
            TypedResults.Json(await gateway.ExecuteAsync((c, t) => c.CancelTaskAsync(id, t), ct).ConfigureAwait(false), ServerJsonContext.Default.TaskSummary)).ConfigureAwait(false);

    /// <summary>Maps every way a command can fail onto a status code and a problem that says what happened.</summary>
    private static async Task<IResult> RunAsync(McpGateway gateway, Func<Task<IResult>> command)
    {
        try
        {
            return await command().ConfigureAwait(false);
        }
        catch (McpUnavailableException ex)
        {
            return Unavailable(gateway, ex.Message);
        }
        catch (BrokenCircuitException ex)
        {
            return Unavailable(gateway, "circuit breaker open: " + ex.Message);
        }
        catch (PoolExhaustedException ex)
        {
            return Unavailable(gateway, ex.Message);
        }
        catch (TimeoutRejectedException ex)
        {
            return Problem(StatusCodes.Status504GatewayTimeout, "MCP server timed out", ex.Message, gateway);
        }
        catch (OperationNotOfferedException ex)
        {
            return Problem(StatusCodes.Status501NotImplemented, "Not offered by this MCP server", ex.Message, gateway);
        }
        catch (ToolFailedException ex) when (ex.IsNotFound)
        {
            return Problem(StatusCodes.Status404NotFound, "Not found", ex.Message, gateway);
        }
        catch (ToolFailedException ex)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "The MCP server refused the command", ex.Message, gateway);
        }
        catch (JsonRpcException ex) when (ex.Code is JsonRpcErrorCodes.InvalidParams)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "The MCP server rejected the arguments", ex.Message, gateway);
        }
        catch (JsonRpcException ex) when (ex.Code <= -32001 && ex.Code >= -32099 && ex.Message.Contains("not found", StringComparison.OrdinalIgnoreCase))
        {
            return Problem(StatusCodes.Status404NotFound, "Not found", ex.Message, gateway);
        }
        catch (JsonRpcException ex)
        {
            return Problem(StatusCodes.Status502BadGateway, $"MCP error {ex.Code}", ex.Message, gateway);
        }
        catch (Exception ex) when (ex is IOException or JsonRpcConnectionClosedException)
        {
            return Unavailable(gateway, ex.Message);
        }
    }

    private static IResult Unavailable(McpGateway gateway, string detail) =>
        Problem(StatusCodes.Status503ServiceUnavailable, "MCP server unavailable", detail, gateway);

    private static IResult Problem(int status, string title, string detail, McpGateway gateway)
    {
        var degradation = gateway.Degradation.Current;
        return Results.Problem(
            statusCode: status,
            title: title,
            detail: detail,
            extensions: new Dictionary<string, object?>
            {
                ["degradation_level"] = degradation.LevelName,
                ["degradation_message"] = degradation.Message,
            });
    }

    private static IResult? Admit(McpGateway gateway, int requested)
    {
        var admission = gateway.Intake.Cache.CheckSpawn(requested);
        return admission.Allowed
            ? null
            : Problem(StatusCodes.Status409Conflict, "Agent limit reached", admission.Error ?? $"MCP_MAX_AGENTS={admission.Max} reached", gateway);
    }

    private static IResult? BadId(string? id, string what) =>
        string.IsNullOrEmpty(id) || id.Length > 128 || id.AsSpan().ContainsAnyExcept(IdChars)
            ? JsonBody.Bad($"{what} id must be 1-128 characters of letters, digits and - _ . :")
            : null;

    private static IResult? BadName(string? name, string field) =>
        string.IsNullOrEmpty(name) || name.Length > 64 || name.AsSpan().ContainsAnyExcept(IdChars)
            ? JsonBody.Bad($"{field} is required: 1-64 characters of letters, digits and - _ . :")
            : null;
}

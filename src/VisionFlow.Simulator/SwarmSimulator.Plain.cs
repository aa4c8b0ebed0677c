using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using VisionFlow.Simulator.Json;
using VisionFlow.Simulator.Model;

namespace VisionFlow.Simulator;

/// <summary>The seed's plain dialect: <c>agent.*</c>, <c>multi-agent.*</c>, <c>task.*</c>, telemetry and ping.</summary>
public sealed partial class SwarmSimulator
{
    private static PlainResultJsonContext Plain => PlainResultJsonContext.Default;

    /// <summary>Handles a plain method into <paramref name="result"/> (UTF-8 JSON of the result value).</summary>
    /// <returns>False with <paramref name="error"/> set, and nothing written, when the request fails.</returns>
    public bool TryHandlePlain(string method, ReadOnlySpan<byte> paramsJson, IBufferWriter<byte> result, out SimulatorError error)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var writer = new Utf8JsonWriter(result);
        return TryHandlePlain(method, paramsJson, writer, out error);
    }

    /// <summary>Handles a plain method, writing the result value to <paramref name="result"/> only on success.</summary>
    /// <returns>False with <paramref name="error"/> set when the request fails.</returns>
    public bool TryHandlePlain(string method, ReadOnlySpan<byte> paramsJson, Utf8JsonWriter result, out SimulatorError error)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(result);
        if (!Args.TryParse(paramsJson, out var document, out error))
        {
            return Count(false);
        }

        using (document)
        {
            var a = new Args(document.RootElement);
            lock (_gate)
            {
                var ok = method switch
                {
                    PlainMethods.AgentSpawn => PlainAgentSpawn(a, result, out error),
                    PlainMethods.AgentList => PlainAgentList(a, result, out error),
                    PlainMethods.AgentTerminate => PlainAgentTerminate(a, result, out error),
                    PlainMethods.AgentStatus => PlainAgentStatus(a, result, out error),
                    PlainMethods.MultiAgentInitialize => PlainMultiAgentInitialize(a, result, out error),
                    PlainMethods.MultiAgentStatus => PlainMultiAgentStatus(a, result, out error),
                    PlainMethods.MultiAgentDissolve => PlainMultiAgentDissolve(a, result, out error),
                    PlainMethods.TaskAssign => PlainTaskAssign(a, result, out error),
                    PlainMethods.TaskStatus => PlainTaskStatus(a, result, out error),
                    PlainMethods.TaskCancel => PlainTaskCancel(a, result, out error),
                    PlainMethods.TelemetrySubscribe => PlainTelemetrySubscribe(document.RootElement, result, out error),
                    PlainMethods.SystemPing => Write(result, new PlainPingResult(Names.Iso(Now), ServerName, _options.ServerVersion), Plain.PlainPingResult, out error),
                    _ => Fail(new SimulatorError(SimulatorErrorKind.UnknownMethod, $"Method not found: {method}"), out error),
                };
                return Count(ok);
            }
        }
    }

    private bool Count(bool ok)
    {
        Interlocked.Increment(ref _requests);
        if (!ok)
        {
            Interlocked.Increment(ref _requestErrors);
        }

        return ok;
    }

    private static bool Fail(SimulatorError e, out SimulatorError error)
    {
        error = e;
        return false;
    }

    private static bool Write<T>(Utf8JsonWriter writer, T value, JsonTypeInfo<T> type, out SimulatorError error)
    {
        JsonSerializer.Serialize(writer, value, type);
        writer.Flush();
        error = default;
        return true;
    }

    /// <summary>Reads an id that the seed spells several ways (<c>multi-agent_id</c>, <c>multi_agent_id</c>, <c>swarm_id</c>).</summary>
    private static bool TryGetAliased(Args a, string[] names, bool required, out string? value, out SimulatorError error)
    {
        foreach (var name in names)
        {
            if (a.TryGet(name, out _))
            {
                return a.TryGetString(name, true, out value, out error);
            }
        }

        value = null;
        error = required ? SimulatorError.Invalid($"{names[0]} is required") : default;
        return !required;
    }

    private static readonly string[] SwarmIdNames = ["multi-agent_id", "multi_agent_id", "swarm_id"];

    private PlainAgentInfo PlainInfo(SimAgent x) => new(
        x.Id, x.Type, Names.Of(x.State), x.Swarm?.Id, Math.Round(x.CpuUsage, 1), Math.Round(x.MemoryUsage, 1),
        x.Tasks.Count, x.TokensUsed, x.TasksCompleted, Names.Iso(x.CreatedAt));

    private bool PlainAgentSpawn(Args a, Utf8JsonWriter w, out SimulatorError error)
    {
        if (!a.TryGetString("type", true, out var type, out error)
            || !TryGetAliased(a, SwarmIdNames, false, out var swarmId, out error)
            || !a.TryGetString("task", false, out var task, out error)
            || !TrySpawnAgent(type!, swarmId, null, out var agent, out error))
        {
            return false;
        }

        if (task is not null && !TryCreateTask("general", task, null, [agent.Id], null, out _, out error))
        {
            return false;
        }

        return Write(w, new PlainAgentSpawnResult(agent.Id, "active", _sessionId, agent.Type, agent.Swarm?.Id, Names.Iso(agent.CreatedAt)), Plain.PlainAgentSpawnResult, out error);
    }

    private bool PlainAgentList(Args a, Utf8JsonWriter w, out SimulatorError error)
    {
        string? status = null, type = null, swarmId = null;
        if (a.TryGet("filter", out var filter))
        {
            if (filter.ValueKind == JsonValueKind.String)
            {
                // A bare string filters on status or type, whichever it names.
                status = type = filter.GetString();
            }
            else if (filter.ValueKind == JsonValueKind.Object)
            {
                var f = new Args(filter);
                if (!f.TryGetString("status", false, out status, out error)
                    || !f.TryGetString("type", false, out type, out error)
                    || !f.TryGetString("swarm_id", false, out swarmId, out error))
                {
                    return false;
                }
            }
            else
            {
                return Fail(SimulatorError.Invalid("filter must be a string or an object {status?, type?, swarm_id?}"), out error);
            }
        }

        if (!a.TryGetNumber("limit", false, 1, int.MaxValue, out var limit, out error))
        {
            return false;
        }

        var bare = status is not null && status == type;
        var includeTerminated = status == "terminated";
        var agents = new List<PlainAgentInfo>();
        var total = 0;
        foreach (var x in _agentsById.Values.OrderBy(x => x.CreatedAt).ThenBy(x => x.Id, StringComparer.Ordinal))
        {
            if (x.State == AgentState.Terminated && !includeTerminated)
            {
                continue;
            }

            var statusOk = status is null || Names.Of(x.State) == status;
            var typeOk = type is null || x.Type == type;
            if ((bare ? statusOk || typeOk : statusOk && typeOk) && (swarmId is null || x.Swarm?.Id == swarmId))
            {
                total++;
                if (limit is null || agents.Count < limit)
                {
                    agents.Add(PlainInfo(x));
                }
            }
        }

        return Write(w, new PlainAgentListResult(agents, total), Plain.PlainAgentListResult, out error);
    }

    private bool PlainAgentTerminate(Args a, Utf8JsonWriter w, out SimulatorError error)
    {
        if (!a.TryGetString("agent_id", true, out var id, out error) || !TryTerminateAgent(id!, "terminated", out var agent, out error))
        {
            return false;
        }

        return Write(w, new PlainAgentTerminateResult(agent.Id, Names.Of(agent.State), Names.Iso(agent.TerminatedAt!.Value)), Plain.PlainAgentTerminateResult, out error);
    }

    private bool PlainAgentStatus(Args a, Utf8JsonWriter w, out SimulatorError error)
    {
        if (!a.TryGetString("agent_id", true, out var id, out error) || !TryFindAgent(id!, out var x, out error))
        {
            return false;
        }

        return Write(w, new PlainAgentStatusResult(
            x.Id, x.Type, Names.Of(x.State), x.Swarm?.Id, Math.Round(x.CpuUsage, 1), Math.Round(x.MemoryUsage, 1), x.Tasks.Count,
            x.TokensUsed, x.TasksCompleted, x.Tasks.ConvertAll(t => t.Id), Names.Iso(x.CreatedAt), Names.Iso(x.TerminatedAt)),
            Plain.PlainAgentStatusResult, out error);
    }

    private bool TryReadAgentTypes(Args a, out List<string> types, out SimulatorError error)
    {
        types = [];
        error = default;
        if (!a.TryGet("agents", out var agents))
        {
            return true;
        }

        if (agents.ValueKind == JsonValueKind.Number)
        {
            if (!agents.TryGetInt32(out var n) || n < 0 || n > _options.MaxAgentsPerSwarmLimit)
            {
                return Fail(SimulatorError.Invalid($"agents must be a count between 0 and {_options.MaxAgentsPerSwarmLimit}"), out error);
            }

            for (var i = 0; i < n; i++)
            {
                types.Add(Names.DefaultAgentTypes[i % Names.DefaultAgentTypes.Length]);
            }

            return true;
        }

        if (agents.ValueKind != JsonValueKind.Array)
        {
            return Fail(SimulatorError.Invalid("agents must be a count, an array of agent types, or an array of {type}"), out error);
        }

        foreach (var item in agents.EnumerateArray())
        {
            var t = item.ValueKind switch
            {
                JsonValueKind.String => item.GetString(),
                JsonValueKind.Object when item.TryGetProperty("type", out var p) && p.ValueKind == JsonValueKind.String => p.GetString(),
                _ => null,
            };
            if (string.IsNullOrEmpty(t))
            {
                return Fail(SimulatorError.Invalid($"agents[{types.Count}] must be an agent type string or {{\"type\": \"…\"}}"), out error);
            }

            types.Add(t);
        }

        return true;
    }

    private bool PlainMultiAgentInitialize(Args a, Utf8JsonWriter w, out SimulatorError error)
    {
        if (!a.TryGetString("topology", false, out var topology, out error)
            || !a.TryGetString("strategy", false, out var strategy, out error)
            || !a.TryGetNumber("max_agents", false, 1, _options.MaxAgentsPerSwarmLimit, out var maxAgents, out error)
            || !a.TryGetString("task", false, out var task, out error)
            || !TryReadAgentTypes(a, out var types, out error))
        {
            return false;
        }

        var max = maxAgents ?? Math.Max(_options.DefaultMaxAgentsPerSwarm, types.Count);
        if (types.Count > max)
        {
            return Fail(new SimulatorError(SimulatorErrorKind.MaxAgentsReached, $"{types.Count} agents requested but max_agents is {max}"), out error);
        }

        if (_live.Count + types.Count > _options.MaxTotalAgents)
        {
            return Fail(new SimulatorError(SimulatorErrorKind.MaxAgentsReached, $"Simulator is full ({_options.MaxTotalAgents} live agents)"), out error);
        }

        if (!TryInitSwarm(topology, max, strategy, out var swarm, out error))
        {
            return false;
        }

        var refs = new List<PlainAgentRef>(types.Count);
        foreach (var type in types)
        {
            // Capacity was checked up front, so spawning into the new swarm cannot fail.
            TrySpawnAgent(type, swarm.Id, null, out var agent, out _);
            refs.Add(new PlainAgentRef(agent.Id, agent.Type, Names.Of(agent.State)));
        }

        string? taskId = null;
        if (task is not null)
        {
            // The seed's initialize carries the swarm's goal: the coordinator (first agent) takes it on.
            TryCreateTask("orchestration", task, "high", swarm.Agents.Count > 0 ? [swarm.Agents[0].Id] : null, null, out var t, out _);
            t.Swarm = swarm;
            taskId = t.Id;
        }

        return Write(w, new PlainMultiAgentInitResult(swarm.Id, swarm.Id, swarm.Topology, swarm.Strategy, swarm.MaxAgents, "active", refs, taskId, Names.Iso(swarm.CreatedAt)), Plain.PlainMultiAgentInitResult, out error);
    }

    private bool PlainMultiAgentStatus(Args a, Utf8JsonWriter w, out SimulatorError error)
    {
        if (!TryGetAliased(a, SwarmIdNames, false, out var id, out error) || !TryFindSwarm(id, out var s, out error))
        {
            return false;
        }

        var (pending, inProgress, completed, cancelled) = CountTasks(s);
        return Write(w, new PlainMultiAgentStatusResult(
            s.Id, s.Id, s.Topology, s.Strategy, s.IsTerminated ? "dissolved" : "active", s.MaxAgents, s.Agents.Count,
            s.Agents.ConvertAll(x => new PlainAgentRef(x.Id, x.Type, Names.Of(x.State))),
            new PlainTaskCounts(pending, inProgress, completed, cancelled), s.MessagesExchanged, Names.Iso(s.CreatedAt)),
            Plain.PlainMultiAgentStatusResult, out error);
    }

    private bool PlainMultiAgentDissolve(Args a, Utf8JsonWriter w, out SimulatorError error)
    {
        if (!TryGetAliased(a, SwarmIdNames, true, out var id, out error) || !TryShutdownSwarm(id, out var s, out var count, out error))
        {
            return false;
        }

        return Write(w, new PlainMultiAgentDissolveResult(s.Id, s.Id, "dissolved", count, Names.Iso(s.TerminatedAt!.Value)), Plain.PlainMultiAgentDissolveResult, out error);
    }

    private bool PlainTaskAssign(Args a, Utf8JsonWriter w, out SimulatorError error)
    {
        if (!a.TryGetString("agent_id", true, out var agentId, out error))
        {
            return false;
        }

        string? description = null, priority = null;
        if (!a.TryGet("task", out var task))
        {
            return Fail(SimulatorError.Invalid("task is required"), out error);
        }

        if (task.ValueKind == JsonValueKind.String)
        {
            description = task.GetString();
        }
        else if (task.ValueKind == JsonValueKind.Object)
        {
            var t = new Args(task);
            if (!t.TryGetString("description", true, out description, out error) || !t.TryGetString("priority", false, out priority, out error))
            {
                return false;
            }
        }

        if (string.IsNullOrEmpty(description))
        {
            return Fail(SimulatorError.Invalid("task must be a non-empty string or {description, priority?}"), out error);
        }

        if (!TryCreateTask("general", description, priority, [agentId!], null, out var created, out error))
        {
            return false;
        }

        return Write(w, new PlainTaskAssignResult(created.Id, agentId!, created.Description, created.Priority, Names.Of(created.State), Names.Iso(created.CreatedAt)), Plain.PlainTaskAssignResult, out error);
    }

    private bool PlainTaskStatus(Args a, Utf8JsonWriter w, out SimulatorError error)
    {
        if (!a.TryGetString("task_id", true, out var id, out error) || !TryFindTask(id!, out var t, out error))
        {
            return false;
        }

        return Write(w, new PlainTaskStatusResult(
            t.Id, t.Description, t.Priority, Names.Of(t.State), Math.Round(t.Progress, 1), t.Assignees.ConvertAll(x => x.Id),
            Names.Iso(t.CreatedAt), Names.Iso(t.StartedAt), Names.Iso(t.CompletedAt), Names.Iso(t.CancelledAt)),
            Plain.PlainTaskStatusResult, out error);
    }

    private bool PlainTaskCancel(Args a, Utf8JsonWriter w, out SimulatorError error)
    {
        if (!a.TryGetString("task_id", true, out var id, out error) || !TryFindOpenTask(id!, out var t, out error))
        {
            return false;
        }

        CancelTask(t);
        return Write(w, new PlainTaskCancelResult(t.Id, Names.Of(t.State), Names.Iso(t.CancelledAt!.Value)), Plain.PlainTaskCancelResult, out error);
    }

    private bool PlainTelemetrySubscribe(JsonElement args, Utf8JsonWriter w, out SimulatorError error)
    {
        if (!TelemetrySubscription.TryParse(args, out var sub, out error))
        {
            return false;
        }

        return Write(w, new PlainTelemetrySubscribeResult("sub-" + RandomSuffix(8), sub.Patterns, (int)sub.Interval.TotalMilliseconds, TelemetrySubscription.EventTypes), Plain.PlainTelemetrySubscribeResult, out error);
    }
}

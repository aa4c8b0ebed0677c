using System.Text.Json;
using VisionFlow.Simulator.Json;
using VisionFlow.Simulator.Model;

namespace VisionFlow.Simulator.Dialects;

/// <summary>
/// The seed's plain dialect as the simulator serves it: <c>agent.*</c>, <c>multi-agent.*</c>, <c>task.*</c>,
/// <c>telemetry.subscribe</c> and <c>system.ping</c>. Params are read leniently, as the seed's servers do (ids under
/// several spellings, agents as a count or a list), and every result says <c>"simulated": true</c>; a failure is a
/// JSON-RPC error with the code of its <see cref="SimulatorErrorKind"/>. Every request holds the state's lock.
/// </summary>
internal sealed class PlainDialect(SwarmState state) : ISimulatorPlainDialect
{
    private static readonly string[] SwarmIdNames = ["multi-agent_id", "multi_agent_id", "swarm_id"];

    private readonly SwarmState _state = state;

    public ValueTask<PlainAgentSpawnResult> SpawnAgentAsync(JsonDocument? parameters, CancellationToken cancellationToken) => Run(parameters, static (d, a) => d.AgentSpawn(a));

    public ValueTask<PlainAgentListResult> ListAgentsAsync(JsonDocument? parameters, CancellationToken cancellationToken) => Run(parameters, static (d, a) => d.AgentList(a));

    public ValueTask<PlainAgentTerminateResult> TerminateAgentAsync(JsonDocument? parameters, CancellationToken cancellationToken) => Run(parameters, static (d, a) => d.AgentTerminate(a));

    public ValueTask<PlainAgentStatusResult> GetAgentStatusAsync(JsonDocument? parameters, CancellationToken cancellationToken) => Run(parameters, static (d, a) => d.AgentStatus(a));

    public ValueTask<PlainMultiAgentInitResult> InitializeMultiAgentAsync(JsonDocument? parameters, CancellationToken cancellationToken) => Run(parameters, static (d, a) => d.MultiAgentInitialize(a));

    public ValueTask<PlainMultiAgentStatusResult> GetMultiAgentStatusAsync(JsonDocument? parameters, CancellationToken cancellationToken) => Run(parameters, static (d, a) => d.MultiAgentStatus(a));

    public ValueTask<PlainMultiAgentDissolveResult> DissolveMultiAgentAsync(JsonDocument? parameters, CancellationToken cancellationToken) => Run(parameters, static (d, a) => d.MultiAgentDissolve(a));

    public ValueTask<PlainTaskAssignResult> AssignTaskAsync(JsonDocument? parameters, CancellationToken cancellationToken) => Run(parameters, static (d, a) => d.TaskAssign(a));

    public ValueTask<PlainTaskStatusResult> GetTaskStatusAsync(JsonDocument? parameters, CancellationToken cancellationToken) => Run(parameters, static (d, a) => d.TaskStatus(a));

    public ValueTask<PlainTaskCancelResult> CancelTaskAsync(JsonDocument? parameters, CancellationToken cancellationToken) => Run(parameters, static (d, a) => d.TaskCancel(a));

    public ValueTask<PlainTelemetrySubscribeResult> SubscribeTelemetryAsync(JsonDocument? parameters, CancellationToken cancellationToken) => Run(parameters, static (d, a) => d.TelemetrySubscribe(a));

    public ValueTask<PlainPingResult> PingAsync(JsonDocument? parameters, CancellationToken cancellationToken) =>
        Run<PlainPingResult>(parameters, static (d, _) => new PlainPingResult(Names.Iso(d._state.Now), SimulatorIdentity.ServerName, d._state.Options.ServerVersion));

    /// <summary>Reads the params, runs <paramref name="handler"/> under the state's lock and counts the request.</summary>
    /// <exception cref="SimulatorException">The request failed; its code follows the error's kind.</exception>
    private ValueTask<T> Run<T>(JsonDocument? parameters, Func<PlainDialect, Args, Reply<T>> handler)
        where T : class
    {
        using (parameters)
        {
            Reply<T> reply;
            if (!Args.TryFrom(parameters, out var a, out var error))
            {
                reply = error;
            }
            else
            {
                lock (_state.Gate)
                {
                    reply = handler(this, a);
                }
            }

            return _state.CountRequest(reply.Value is not null)
                ? ValueTask.FromResult(reply.Value!)
                : throw reply.Error.ToException();
        }
    }

    private static bool Fail(SimulatorError e, out SimulatorError error)
    {
        error = e;
        return false;
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

    private PlainAgentInfo PlainInfo(SimAgent x) => new(
        x.Id, x.Type, Names.Of(x.State), x.Swarm?.Id, Math.Round(x.CpuUsage, 1), Math.Round(x.MemoryUsage, 1),
        x.Tasks.Count, x.TokensUsed, x.TasksCompleted, Names.Iso(x.CreatedAt));

    private Reply<PlainAgentSpawnResult> AgentSpawn(Args a)
    {
        SimulatorError error;
        if (!a.TryGetString("type", true, out var type, out error)
            || !TryGetAliased(a, SwarmIdNames, false, out var swarmId, out error)
            || !a.TryGetString("task", false, out var task, out error)
            || !_state.TrySpawnAgent(type!, swarmId, null, out var agent, out error))
        {
            return error;
        }

        if (task is not null && !_state.TryCreateTask("general", task, null, [agent.Id], null, out _, out error))
        {
            return error;
        }

        return new PlainAgentSpawnResult(agent.Id, "active", _state.SessionId, agent.Type, agent.Swarm?.Id, Names.Iso(agent.CreatedAt));
    }

    private Reply<PlainAgentListResult> AgentList(Args a)
    {
        SimulatorError error;
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
                    return error;
                }
            }
            else
            {
                return SimulatorError.Invalid("filter must be a string or an object {status?, type?, swarm_id?}");
            }
        }

        if (!a.TryGetNumber("limit", false, 1, int.MaxValue, out var limit, out error))
        {
            return error;
        }

        var bare = status is not null && status == type;
        var includeTerminated = status == "terminated";
        var agents = new List<PlainAgentInfo>();
        var total = 0;
        foreach (var x in _state.AgentsById.Values.OrderBy(x => x.CreatedAt).ThenBy(x => x.Id, StringComparer.Ordinal))
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

        return new PlainAgentListResult(agents, total);
    }

    private Reply<PlainAgentTerminateResult> AgentTerminate(Args a)
    {
        SimulatorError error;
        if (!a.TryGetString("agent_id", true, out var id, out error) || !_state.TryTerminateAgent(id!, "terminated", out var agent, out error))
        {
            return error;
        }

        return new PlainAgentTerminateResult(agent.Id, Names.Of(agent.State), Names.Iso(agent.TerminatedAt!.Value));
    }

    private Reply<PlainAgentStatusResult> AgentStatus(Args a)
    {
        SimulatorError error;
        if (!a.TryGetString("agent_id", true, out var id, out error) || !_state.TryFindAgent(id!, out var x, out error))
        {
            return error;
        }

        return new PlainAgentStatusResult(
            x.Id, x.Type, Names.Of(x.State), x.Swarm?.Id, Math.Round(x.CpuUsage, 1), Math.Round(x.MemoryUsage, 1), x.Tasks.Count,
            x.TokensUsed, x.TasksCompleted, x.Tasks.ConvertAll(t => t.Id), Names.Iso(x.CreatedAt), Names.Iso(x.TerminatedAt));
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
            if (!agents.TryGetInt32(out var n) || n < 0 || n > _state.Options.MaxAgentsPerSwarmLimit)
            {
                return Fail(SimulatorError.Invalid($"agents must be a count between 0 and {_state.Options.MaxAgentsPerSwarmLimit}"), out error);
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

    private Reply<PlainMultiAgentInitResult> MultiAgentInitialize(Args a)
    {
        SimulatorError error;
        if (!a.TryGetString("topology", false, out var topology, out error)
            || !a.TryGetString("strategy", false, out var strategy, out error)
            || !a.TryGetNumber("max_agents", false, 1, _state.Options.MaxAgentsPerSwarmLimit, out var maxAgents, out error)
            || !a.TryGetString("task", false, out var task, out error)
            || !TryReadAgentTypes(a, out var types, out error))
        {
            return error;
        }

        var max = maxAgents ?? Math.Max(_state.Options.DefaultMaxAgentsPerSwarm, types.Count);
        if (types.Count > max)
        {
            return new SimulatorError(SimulatorErrorKind.MaxAgentsReached, $"{types.Count} agents requested but max_agents is {max}");
        }

        if (_state.Live.Count + types.Count > _state.Options.MaxTotalAgents)
        {
            return new SimulatorError(SimulatorErrorKind.MaxAgentsReached, $"Simulator is full ({_state.Options.MaxTotalAgents} live agents)");
        }

        if (!_state.TryInitSwarm(topology, max, strategy, out var swarm, out error))
        {
            return error;
        }

        var refs = new List<PlainAgentRef>(types.Count);
        foreach (var type in types)
        {
            // Capacity was checked up front, so spawning into the new swarm cannot fail.
            _state.TrySpawnAgent(type, swarm.Id, null, out var agent, out _);
            refs.Add(new PlainAgentRef(agent.Id, agent.Type, Names.Of(agent.State)));
        }

        string? taskId = null;
        if (task is not null)
        {
            // The seed's initialize carries the swarm's goal: the coordinator (first agent) takes it on.
            _state.TryCreateTask("orchestration", task, "high", swarm.Agents.Count > 0 ? [swarm.Agents[0].Id] : null, null, out var t, out _);
            t.Swarm = swarm;
            taskId = t.Id;
        }

        return new PlainMultiAgentInitResult(swarm.Id, swarm.Id, swarm.Topology, swarm.Strategy, swarm.MaxAgents, "active", refs, taskId, Names.Iso(swarm.CreatedAt));
    }

    private Reply<PlainMultiAgentStatusResult> MultiAgentStatus(Args a)
    {
        SimulatorError error;
        if (!TryGetAliased(a, SwarmIdNames, false, out var id, out error) || !_state.TryFindSwarm(id, out var s, out error))
        {
            return error;
        }

        var (pending, inProgress, completed, cancelled) = _state.CountTasks(s);
        return new PlainMultiAgentStatusResult(
            s.Id, s.Id, s.Topology, s.Strategy, s.IsTerminated ? "dissolved" : "active", s.MaxAgents, s.Agents.Count,
            s.Agents.ConvertAll(x => new PlainAgentRef(x.Id, x.Type, Names.Of(x.State))),
            new PlainTaskCounts(pending, inProgress, completed, cancelled), s.MessagesExchanged, Names.Iso(s.CreatedAt));
    }

    private Reply<PlainMultiAgentDissolveResult> MultiAgentDissolve(Args a)
    {
        SimulatorError error;
        if (!TryGetAliased(a, SwarmIdNames, true, out var id, out error) || !_state.TryShutdownSwarm(id, out var s, out var count, out error))
        {
            return error;
        }

        return new PlainMultiAgentDissolveResult(s.Id, s.Id, "dissolved", count, Names.Iso(s.TerminatedAt!.Value));
    }

    private Reply<PlainTaskAssignResult> TaskAssign(Args a)
    {
        SimulatorError error;
        if (!a.TryGetString("agent_id", true, out var agentId, out error))
        {
            return error;
        }

        string? description = null, priority = null;
        if (!a.TryGet("task", out var task))
        {
            return SimulatorError.Invalid("task is required");
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
                return error;
            }
        }

        if (string.IsNullOrEmpty(description))
        {
            return SimulatorError.Invalid("task must be a non-empty string or {description, priority?}");
        }

        if (!_state.TryCreateTask("general", description, priority, [agentId!], null, out var created, out error))
        {
            return error;
        }

        return new PlainTaskAssignResult(created.Id, agentId!, created.Description, created.Priority, Names.Of(created.State), Names.Iso(created.CreatedAt));
    }

    private Reply<PlainTaskStatusResult> TaskStatus(Args a)
    {
        SimulatorError error;
        if (!a.TryGetString("task_id", true, out var id, out error) || !_state.TryFindTask(id!, out var t, out error))
        {
            return error;
        }

        return new PlainTaskStatusResult(
            t.Id, t.Description, t.Priority, Names.Of(t.State), Math.Round(t.Progress, 1), t.Assignees.ConvertAll(x => x.Id),
            Names.Iso(t.CreatedAt), Names.Iso(t.StartedAt), Names.Iso(t.CompletedAt), Names.Iso(t.CancelledAt));
    }

    private Reply<PlainTaskCancelResult> TaskCancel(Args a)
    {
        SimulatorError error;
        if (!a.TryGetString("task_id", true, out var id, out error) || !_state.TryFindOpenTask(id!, out var t, out error))
        {
            return error;
        }

        _state.CancelTask(t);
        return new PlainTaskCancelResult(t.Id, Names.Of(t.State), Names.Iso(t.CancelledAt!.Value));
    }

    private Reply<PlainTelemetrySubscribeResult> TelemetrySubscribe(Args a)
    {
        SimulatorError error;
        if (!TelemetrySubscription.TryParse(a.Root, out var sub, out error))
        {
            return error;
        }

        return new PlainTelemetrySubscribeResult("sub-" + _state.RandomSuffix(8), sub.Patterns, (int)sub.Interval.TotalMilliseconds, TelemetrySubscription.EventTypes);
    }
}

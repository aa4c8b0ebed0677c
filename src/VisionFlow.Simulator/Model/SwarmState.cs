using System.Text.Json;

namespace VisionFlow.Simulator.Model;

/// <summary>
/// The simulated world and its operations: swarms, agents and tasks (spawn, terminate, assign, complete, cancel), the
/// seeded random source and the clock. It takes no lock itself: every caller holds <see cref="Gate"/>, so one request or
/// one simulation step sees and leaves a consistent state. Lifecycle changes are recorded as telemetry lines
/// the moment they happen, so the next frame reports them even if the agent is gone by then.
/// </summary>
internal sealed class SwarmState
{
    private const string Base36 = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static readonly string[] TaskPriorities = ["low", "normal", "medium", "high", "critical", "urgent"];

    private readonly TimeProvider _time;
    private readonly TelemetryWriter _telemetry;
    private readonly Dictionary<string, SimTask> _tasksById = new(StringComparer.Ordinal);
    private readonly Queue<SimTask> _finished = new();
    private long _requests;
    private long _requestErrors;

    public SwarmState(SimulatorOptions options, TimeProvider time, TelemetryWriter telemetry)
    {
        Options = options;
        _time = time;
        _telemetry = telemetry;
        Random = new Random(options.Seed);
        StartedAt = time.GetUtcNow();
        SessionId = "session-" + RandomSuffix(8);
    }

    /// <summary>Held by every reader and writer of this state.</summary>
    public Lock Gate { get; } = new();

    public SimulatorOptions Options { get; }

    /// <summary>The seeded source of every random choice, requests and simulation steps alike (one sequence per seed).</summary>
    public Random Random { get; }

    public DateTimeOffset StartedAt { get; }

    public string SessionId { get; }

    public List<SimSwarm> Swarms { get; } = [];

    public Dictionary<string, SimSwarm> SwarmsById { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, SimAgent> AgentsById { get; } = new(StringComparer.Ordinal);

    /// <summary>Agents not terminated, in swap-removal order (see <see cref="SimAgent.LiveIndex"/>).</summary>
    public List<SimAgent> Live { get; } = [];

    public List<SimTask> Tasks { get; } = [];

    /// <summary>Tasks in progress, which the simulation step advances.</summary>
    public List<SimTask> ActiveTasks { get; } = [];

    /// <summary>Requests answered (plain methods and tool calls), for <c>system_metrics</c>.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests that failed.</summary>
    public long RequestErrors => Interlocked.Read(ref _requestErrors);

    /// <summary>Counts a request; returns <paramref name="ok"/> so handlers can end with it.</summary>
    public bool CountRequest(bool ok)
    {
        Interlocked.Increment(ref _requests);
        if (!ok)
        {
            Interlocked.Increment(ref _requestErrors);
        }

        return ok;
    }

    public DateTimeOffset Now => _time.GetUtcNow();

    public string NewId(string prefix) => $"{prefix}-{Now.ToUnixTimeMilliseconds()}-{RandomSuffix(6)}";

    public string RandomSuffix(int length)
    {
        Span<char> chars = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Base36[Random.Next(Base36.Length)];
        }

        return new string(chars);
    }

    public SimSwarm? MostRecentActiveSwarm()
    {
        for (var i = Swarms.Count - 1; i >= 0; i--)
        {
            if (!Swarms[i].IsTerminated)
            {
                return Swarms[i];
            }
        }

        return null;
    }

    public bool TryInitSwarm(string? topology, double? maxAgents, string? strategy, out SimSwarm swarm, out SimulatorError error)
    {
        swarm = null!;
        topology ??= "hierarchical-mesh";
        strategy ??= "specialized";
        if (Array.IndexOf(Names.Topologies, topology) < 0)
        {
            error = SimulatorError.Invalid($"Invalid topology: {topology}. Valid: {string.Join(", ", Names.Topologies)}");
            return false;
        }

        if (Array.IndexOf(Names.Strategies, strategy) < 0)
        {
            error = SimulatorError.Invalid($"Invalid strategy: {strategy}. Valid: {string.Join(", ", Names.Strategies)}");
            return false;
        }

        var max = maxAgents ?? Options.DefaultMaxAgentsPerSwarm;
        if (max < 1 || max > Options.MaxAgentsPerSwarmLimit || max != Math.Floor(max))
        {
            error = SimulatorError.Invalid($"maxAgents must be an integer between 1 and {Options.MaxAgentsPerSwarmLimit}, got {max}");
            return false;
        }

        swarm = new SimSwarm(NewId("swarm"), topology, strategy, (int)max, Now);
        Swarms.Add(swarm);
        SwarmsById.Add(swarm.Id, swarm);
        error = default;
        return true;
    }

    public bool TryFindSwarm(string? id, out SimSwarm swarm, out SimulatorError error)
    {
        error = default;
        if (id is null)
        {
            swarm = MostRecentActiveSwarm()!;
            if (swarm is null)
            {
                error = new SimulatorError(SimulatorErrorKind.UnknownSwarm, "No active swarm");
                return false;
            }

            return true;
        }

        if (!SwarmsById.TryGetValue(id, out swarm!))
        {
            error = new SimulatorError(SimulatorErrorKind.UnknownSwarm, $"Swarm not found: {id}");
            return false;
        }

        return true;
    }

    public bool TrySpawnAgent(string type, string? swarmId, string? agentId, out SimAgent agent, out SimulatorError error)
    {
        agent = null!;
        SimSwarm? swarm = null;
        if (swarmId is not null)
        {
            if (!TryFindSwarm(swarmId, out swarm, out error))
            {
                return false;
            }

            if (swarm.IsTerminated)
            {
                error = new SimulatorError(SimulatorErrorKind.InvalidState, $"Swarm {swarmId} is terminated");
                return false;
            }
        }
        else
        {
            swarm = MostRecentActiveSwarm();
        }

        if (swarm is not null && swarm.Agents.Count >= swarm.MaxAgents)
        {
            error = new SimulatorError(SimulatorErrorKind.MaxAgentsReached, $"Swarm {swarm.Id} is full (maxAgents {swarm.MaxAgents})");
            return false;
        }

        if (Live.Count >= Options.MaxTotalAgents)
        {
            error = new SimulatorError(SimulatorErrorKind.MaxAgentsReached, $"Simulator is full ({Options.MaxTotalAgents} live agents)");
            return false;
        }

        if (agentId is not null && AgentsById.ContainsKey(agentId))
        {
            error = new SimulatorError(SimulatorErrorKind.InvalidState, $"Agent {agentId} already exists");
            return false;
        }

        agent = new SimAgent(agentId ?? NewId("agent"), type, swarm, Now)
        {
            PhaseLeft = 0.2 + (Random.NextDouble() * 0.8),
            BaseMemory = 64 + (Random.NextDouble() * 192),
            CpuUsage = 5 + (Random.NextDouble() * 10),
            LiveIndex = Live.Count,
        };
        agent.MemoryUsage = agent.BaseMemory;
        AgentsById.Add(agent.Id, agent);
        Live.Add(agent);
        if (swarm is not null)
        {
            swarm.Agents.Add(agent);
            swarm.AgentsEver++;
            swarm.UpdatedAt = agent.CreatedAt;
        }

        _telemetry.AgentSpawned(agent);
        error = default;
        return true;
    }

    public bool TryFindAgent(string id, out SimAgent agent, out SimulatorError error)
    {
        error = default;
        if (!AgentsById.TryGetValue(id, out agent!))
        {
            error = new SimulatorError(SimulatorErrorKind.UnknownAgent, "Agent not found");
            return false;
        }

        return true;
    }

    public bool TryTerminateAgent(string id, string reason, out SimAgent agent, out SimulatorError error)
    {
        if (!TryFindAgent(id, out agent, out error))
        {
            return false;
        }

        if (agent.State == AgentState.Terminated)
        {
            error = new SimulatorError(SimulatorErrorKind.InvalidState, "Agent already terminated");
            return false;
        }

        Terminate(agent, reason);
        return true;
    }

    private void Terminate(SimAgent agent, string reason)
    {
        agent.State = AgentState.Terminated;
        agent.TerminatedAt = Now;
        agent.CpuUsage = 0;
        var last = Live[^1];
        Live[agent.LiveIndex] = last;
        last.LiveIndex = agent.LiveIndex;
        Live.RemoveAt(Live.Count - 1);
        if (agent.Swarm is { } swarm)
        {
            swarm.Agents.Remove(agent);
            swarm.UpdatedAt = agent.TerminatedAt.Value;
        }

        foreach (var task in agent.Tasks)
        {
            task.Assignees.Remove(agent);
        }

        agent.Tasks.Clear();
        _telemetry.AgentTerminated(agent, reason, agent.TerminatedAt ?? Now);
    }

    public bool TryShutdownSwarm(string? id, out SimSwarm swarm, out int agentsTerminated, out SimulatorError error)
    {
        agentsTerminated = 0;
        if (!TryFindSwarm(id, out swarm, out error))
        {
            return false;
        }

        if (swarm.IsTerminated)
        {
            error = new SimulatorError(SimulatorErrorKind.InvalidState, "Swarm already terminated");
            return false;
        }

        for (var i = swarm.Agents.Count - 1; i >= 0; i--)
        {
            Terminate(swarm.Agents[i], "swarm_shutdown");
            agentsTerminated++;
        }

        foreach (var task in Tasks)
        {
            if (task.Swarm == swarm && !task.IsFinished)
            {
                CancelTask(task);
            }
        }

        swarm.TerminatedAt = Now;
        swarm.UpdatedAt = swarm.TerminatedAt.Value;
        return true;
    }

    public bool TryResolveAssignees(string[]? agentIds, out List<SimAgent> agents, out SimulatorError error)
    {
        agents = [];
        error = default;
        foreach (var id in agentIds ?? [])
        {
            if (!TryFindAgent(id, out var agent, out error))
            {
                error = error with { Message = $"Agent not found: {id}" };
                return false;
            }

            if (agent.State == AgentState.Terminated)
            {
                error = new SimulatorError(SimulatorErrorKind.InvalidState, $"Agent {id} is terminated");
                return false;
            }

            if (!agents.Contains(agent))
            {
                agents.Add(agent);
            }
        }

        return true;
    }

    public bool TryCreateTask(string type, string description, string? priority, string[]? assignTo, string[]? tags, out SimTask task, out SimulatorError error)
    {
        task = null!;
        priority ??= "normal";
        if (Array.IndexOf(TaskPriorities, priority) < 0)
        {
            error = SimulatorError.Invalid($"Invalid priority: {priority}. Valid: {string.Join(", ", TaskPriorities)}");
            return false;
        }

        if (!TryResolveAssignees(assignTo, out var agents, out error))
        {
            return false;
        }

        task = CreateTask(type, description, priority, agents);
        task.Tags = tags ?? [];
        return true;
    }

    /// <summary>Creates a validated task; with assignees it starts right away.</summary>
    public SimTask CreateTask(string type, string description, string priority, List<SimAgent> agents)
    {
        var speed = priority switch
        {
            "low" => 4.0,
            "high" => 9.0,
            "critical" or "urgent" => 12.0,
            _ => 6.0,
        };
        var task = new SimTask(NewId("task"), type, description, priority, Now)
        {
            Rate = speed * (0.6 + (Random.NextDouble() * 0.8)),
        };
        Tasks.Add(task);
        _tasksById.Add(task.Id, task);
        Assign(task, agents);
        return task;
    }

    public bool TryFindTask(string id, out SimTask task, out SimulatorError error)
    {
        error = default;
        if (!_tasksById.TryGetValue(id, out task!))
        {
            error = new SimulatorError(SimulatorErrorKind.UnknownTask, "Task not found");
            return false;
        }

        return true;
    }

    public bool TryFindOpenTask(string id, out SimTask task, out SimulatorError error)
    {
        if (!TryFindTask(id, out task, out error))
        {
            return false;
        }

        if (task.IsFinished)
        {
            error = new SimulatorError(SimulatorErrorKind.InvalidState, $"Task already {Names.Of(task.State)}");
            return false;
        }

        return true;
    }

    /// <summary>Replaces the task's assignees; a task with assignees is in progress, without them pending.</summary>
    public void Assign(SimTask task, List<SimAgent> agents)
    {
        foreach (var old in task.Assignees)
        {
            old.Tasks.Remove(task);
        }

        task.Assignees.Clear();
        task.Assignees.AddRange(agents);
        foreach (var agent in agents)
        {
            agent.Tasks.Add(task);
        }

        if (agents.Count > 0)
        {
            task.Swarm ??= agents[0].Swarm;
            if (task.Swarm is { } swarm && task.State == TaskState.Pending)
            {
                swarm.TaskCount++;
            }

            if (task.State == TaskState.Pending)
            {
                task.State = TaskState.InProgress;
                task.StartedAt ??= Now;
                ActiveTasks.Add(task);
            }
        }
        else if (task.State == TaskState.InProgress)
        {
            task.State = TaskState.Pending;
            ActiveTasks.Remove(task);
        }
    }

    public void CompleteTask(SimTask task, JsonElement? result)
    {
        task.State = TaskState.Completed;
        task.Progress = 100;
        task.CompletedAt = Now;
        task.Result = result;
        ReleaseAssignees(task, completed: true);
    }

    public void CancelTask(SimTask task)
    {
        task.State = TaskState.Cancelled;
        task.CancelledAt = Now;
        ReleaseAssignees(task, completed: false);
    }

    private void ReleaseAssignees(SimTask task, bool completed)
    {
        ActiveTasks.Remove(task);
        ForgetOldFinishedTasks(task);
        foreach (var agent in task.Assignees)
        {
            agent.Tasks.Remove(task);
            if (completed)
            {
                agent.TasksCompleted++;
            }
        }
    }

    /// <summary>Keeps at most <see cref="SimulatorOptions.MaxFinishedTasks"/> finished tasks, forgetting the oldest.</summary>
    private void ForgetOldFinishedTasks(SimTask finished)
    {
        _finished.Enqueue(finished);
        while (_finished.Count > Options.MaxFinishedTasks)
        {
            var old = _finished.Dequeue();
            _tasksById.Remove(old.Id);
            Tasks.Remove(old);
        }
    }

    public (int Pending, int InProgress, int Completed, int Cancelled) CountTasks(SimSwarm? swarm)
    {
        int pending = 0, inProgress = 0, completed = 0, cancelled = 0;
        foreach (var t in Tasks)
        {
            if (swarm is not null && t.Swarm != swarm)
            {
                continue;
            }

            switch (t.State)
            {
                case TaskState.Pending: pending++; break;
                case TaskState.InProgress: inProgress++; break;
                case TaskState.Completed: completed++; break;
                default: cancelled++; break;
            }
        }

        return (pending, inProgress, completed, cancelled);
    }
}

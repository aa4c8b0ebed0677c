using System.Buffers;
using System.Text.Json;
using VisionFlow.Simulator.Model;

namespace VisionFlow.Simulator;

/// <summary>
/// A labelled, deterministic swarm simulator: swarms, agents, tasks and message flows with real state, driven by
/// <see cref="TimeProvider"/> and a seeded random source. It answers both dialects (plain methods and MCP tools
/// with claude-flow's names and shapes) and produces telemetry push lines. Everything it reports says
/// <c>"simulated": true</c>. Thread-safe: the simulator owns its state and serializes every entry point on one lock.
/// </summary>
public sealed partial class SwarmSimulator
{
    private const string Base36 = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static readonly string[] TaskPriorities = ["low", "normal", "medium", "high", "critical", "urgent"];

    private readonly Lock _gate = new();
    private readonly SimulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly DateTimeOffset _startedAt;
    private readonly string _sessionId;

    private readonly List<SimSwarm> _swarms = [];
    private readonly Dictionary<string, SimSwarm> _swarmsById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimAgent> _agentsById = new(StringComparer.Ordinal);
    private readonly List<SimAgent> _live = [];
    private readonly List<SimTask> _tasks = [];
    private readonly Dictionary<string, SimTask> _tasksById = new(StringComparer.Ordinal);
    private readonly List<SimTask> _activeTasks = [];
    private readonly Queue<SimTask> _finished = new();
    private long _requests;
    private long _requestErrors;

    /// <summary>Creates a simulator with the given options and clock.</summary>
    public SwarmSimulator(SimulatorOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options.Validate();
        _time = timeProvider;
        _random = new Random(options.Seed);
        _startedAt = timeProvider.GetUtcNow();
        _sessionId = "session-" + RandomSuffix(8);
        _frame = new ArrayBufferWriter<byte>[FrameSegments];
        for (var i = 0; i < FrameSegments; i++)
        {
            _frame[i] = new ArrayBufferWriter<byte>(4096);
        }

        _eventWriter = new Utf8JsonWriter(_pendingSpawned, new JsonWriterOptions { SkipValidation = true });
        _nextMetricsAt = options.MetricsInterval.TotalSeconds;
    }

    /// <summary>The options this simulator runs with.</summary>
    public SimulatorOptions Options => _options;

    /// <summary>The name reported as <c>serverInfo.name</c>: never mistaken for a real Claude Flow server.</summary>
    public const string ServerName = "visionflow-simulator";

    /// <summary>Live (not terminated) agents.</summary>
    public int LiveAgentCount
    {
        get
        {
            lock (_gate)
            {
                return _live.Count;
            }
        }
    }

    /// <summary>Swarms that are not shut down.</summary>
    public int ActiveSwarmCount
    {
        get
        {
            lock (_gate)
            {
                return _swarms.Count(s => !s.IsTerminated);
            }
        }
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private string NewId(string prefix) => $"{prefix}-{Now.ToUnixTimeMilliseconds()}-{RandomSuffix(6)}";

    private string RandomSuffix(int length)
    {
        Span<char> chars = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Base36[_random.Next(Base36.Length)];
        }

        return new string(chars);
    }

    private SimSwarm? MostRecentActiveSwarm()
    {
        for (var i = _swarms.Count - 1; i >= 0; i--)
        {
            if (!_swarms[i].IsTerminated)
            {
                return _swarms[i];
            }
        }

        return null;
    }

    private bool TryInitSwarm(string? topology, double? maxAgents, string? strategy, out SimSwarm swarm, out SimulatorError error)
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

        var max = maxAgents ?? _options.DefaultMaxAgentsPerSwarm;
        if (max < 1 || max > _options.MaxAgentsPerSwarmLimit || max != Math.Floor(max))
        {
            error = SimulatorError.Invalid($"maxAgents must be an integer between 1 and {_options.MaxAgentsPerSwarmLimit}, got {max}");
            return false;
        }

        swarm = new SimSwarm(NewId("swarm"), topology, strategy, (int)max, Now);
        _swarms.Add(swarm);
        _swarmsById.Add(swarm.Id, swarm);
        error = default;
        return true;
    }

    private bool TryFindSwarm(string? id, out SimSwarm swarm, out SimulatorError error)
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

        if (!_swarmsById.TryGetValue(id, out swarm!))
        {
            error = new SimulatorError(SimulatorErrorKind.UnknownSwarm, $"Swarm not found: {id}");
            return false;
        }

        return true;
    }

    private bool TrySpawnAgent(string type, string? swarmId, string? agentId, out SimAgent agent, out SimulatorError error)
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

        if (_live.Count >= _options.MaxTotalAgents)
        {
            error = new SimulatorError(SimulatorErrorKind.MaxAgentsReached, $"Simulator is full ({_options.MaxTotalAgents} live agents)");
            return false;
        }

        if (agentId is not null && _agentsById.ContainsKey(agentId))
        {
            error = new SimulatorError(SimulatorErrorKind.InvalidState, $"Agent {agentId} already exists");
            return false;
        }

        agent = new SimAgent(agentId ?? NewId("agent"), type, swarm, Now)
        {
            PhaseLeft = 0.2 + (_random.NextDouble() * 0.8),
            BaseMemory = 64 + (_random.NextDouble() * 192),
            CpuUsage = 5 + (_random.NextDouble() * 10),
            LiveIndex = _live.Count,
        };
        agent.MemoryUsage = agent.BaseMemory;
        _agentsById.Add(agent.Id, agent);
        _live.Add(agent);
        if (swarm is not null)
        {
            swarm.Agents.Add(agent);
            swarm.AgentsEver++;
            swarm.UpdatedAt = agent.CreatedAt;
        }

        QueueAgentSpawned(agent);
        error = default;
        return true;
    }

    private bool TryFindAgent(string id, out SimAgent agent, out SimulatorError error)
    {
        error = default;
        if (!_agentsById.TryGetValue(id, out agent!))
        {
            error = new SimulatorError(SimulatorErrorKind.UnknownAgent, "Agent not found");
            return false;
        }

        return true;
    }

    private bool TryTerminateAgent(string id, string reason, out SimAgent agent, out SimulatorError error)
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
        var last = _live[^1];
        _live[agent.LiveIndex] = last;
        last.LiveIndex = agent.LiveIndex;
        _live.RemoveAt(_live.Count - 1);
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
        QueueAgentTerminated(agent, reason);
    }

    private bool TryShutdownSwarm(string? id, out SimSwarm swarm, out int agentsTerminated, out SimulatorError error)
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

        foreach (var task in _tasks)
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

    private bool TryResolveAssignees(string[]? agentIds, out List<SimAgent> agents, out SimulatorError error)
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

    private bool TryCreateTask(string type, string description, string? priority, string[]? assignTo, string[]? tags, out SimTask task, out SimulatorError error)
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
    private SimTask CreateTask(string type, string description, string priority, List<SimAgent> agents)
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
            Rate = speed * (0.6 + (_random.NextDouble() * 0.8)),
        };
        _tasks.Add(task);
        _tasksById.Add(task.Id, task);
        Assign(task, agents);
        return task;
    }

    private bool TryFindTask(string id, out SimTask task, out SimulatorError error)
    {
        error = default;
        if (!_tasksById.TryGetValue(id, out task!))
        {
            error = new SimulatorError(SimulatorErrorKind.UnknownTask, "Task not found");
            return false;
        }

        return true;
    }

    private bool TryFindOpenTask(string id, out SimTask task, out SimulatorError error)
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
    private void Assign(SimTask task, List<SimAgent> agents)
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
                _activeTasks.Add(task);
            }
        }
        else if (task.State == TaskState.InProgress)
        {
            task.State = TaskState.Pending;
            _activeTasks.Remove(task);
        }
    }

    private void CompleteTask(SimTask task, JsonElement? result)
    {
        task.State = TaskState.Completed;
        task.Progress = 100;
        task.CompletedAt = Now;
        task.Result = result;
        ReleaseAssignees(task, completed: true);
    }

    private void CancelTask(SimTask task)
    {
        task.State = TaskState.Cancelled;
        task.CancelledAt = Now;
        ReleaseAssignees(task, completed: false);
    }

    private void ReleaseAssignees(SimTask task, bool completed)
    {
        _activeTasks.Remove(task);
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
        while (_finished.Count > _options.MaxFinishedTasks)
        {
            var old = _finished.Dequeue();
            _tasksById.Remove(old.Id);
            _tasks.Remove(old);
        }
    }

    private (int Pending, int InProgress, int Completed, int Cancelled) CountTasks(SimSwarm? swarm)
    {
        int pending = 0, inProgress = 0, completed = 0, cancelled = 0;
        foreach (var t in _tasks)
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

using System.Globalization;

namespace VisionFlow.Simulator.Model;

/// <summary>
/// The simulation step: over each elapsed interval tasks progress (and complete), coordinators delegate, agents change
/// state and resource use, and messages flow along the swarm's topology; every agent's status, every message and, at
/// the metrics interval, the system and swarm figures become that frame's telemetry lines. Called under the state's
/// lock only.
/// </summary>
internal sealed class SwarmDynamics
{
    private readonly SwarmState _state;
    private readonly TelemetryWriter _telemetry;
    private double _simSeconds;
    private double _nextMetricsAt;
    private double _flowCapCarry;
    private long _messageSequence;
    private long _frameSequence;
    private long _messagesSinceMetrics;
    private long _tokensSinceMetrics;
    private double _metricsWindowStart;

    public SwarmDynamics(SwarmState state, TelemetryWriter telemetry)
    {
        _state = state;
        _telemetry = telemetry;
        _nextMetricsAt = state.Options.MetricsInterval.TotalSeconds;
    }

    /// <summary>Counts of the last frame produced by <see cref="Advance"/>.</summary>
    public TelemetryFrameInfo LastFrame { get; private set; }

    /// <summary>Advances the simulation by <paramref name="elapsed"/> and renders that frame's telemetry lines.</summary>
    public void Advance(TimeSpan elapsed)
    {
        var dt = elapsed.TotalSeconds;
        _simSeconds += dt;
        var now = _state.Now;

        // Lifecycle events recorded by requests since the last frame become this frame's first lines.
        _telemetry.BeginFrame(now, out var spawned, out var terminated);

        AdvanceTasks(dt);
        if (_state.Options.AutonomousWork)
        {
            Delegate(dt);
        }

        var status = AdvanceAgents(dt);
        var flows = AdvanceMessageFlows(dt);
        var metrics = 0;
        if (_simSeconds + 1e-9 >= _nextMetricsAt)
        {
            metrics = WriteMetrics();
            _nextMetricsAt = _simSeconds + _state.Options.MetricsInterval.TotalSeconds;
        }

        LastFrame = new TelemetryFrameInfo(++_frameSequence, now, spawned, terminated, status, flows, metrics);
    }

    private void AdvanceTasks(double dt)
    {
        for (var i = _state.ActiveTasks.Count - 1; i >= 0; i--)
        {
            var task = _state.ActiveTasks[i];
            if (task.Assignees.Count == 0)
            {
                continue;
            }

            // More hands help, with diminishing returns.
            var crew = 1 + (0.25 * (task.Assignees.Count - 1));
            task.Progress += task.Rate * crew * (0.75 + (_state.Random.NextDouble() * 0.5)) * dt;
            if (task.Progress >= 100)
            {
                _state.CompleteTask(task, null);
            }
            else
            {
                task.Progress = Math.Round(task.Progress, 2);
            }
        }
    }

    /// <summary>Coordinators that work on a task hand subtasks of it to their swarm's idle agents.</summary>
    private void Delegate(double dt)
    {
        var chance = dt / _state.Options.DelegationMeanSeconds;
        foreach (var swarm in _state.Swarms)
        {
            var agents = swarm.Agents;
            if (swarm.IsTerminated || agents.Count < 2 || agents[0].Tasks.Count == 0)
            {
                continue;
            }

            var parent = agents[0].Tasks[0];
            for (var i = 1; i < agents.Count; i++)
            {
                var agent = agents[i];
                if (agent.Tasks.Count == 0 && agent.State is AgentState.Idle or AgentState.Active && _state.Random.NextDouble() < chance)
                {
                    _state.CreateTask("subtask", parent.Description, "normal", [agent]);
                }
            }
        }
    }

    private int AdvanceAgents(double dt)
    {
        var smoothing = Math.Min(1.0, dt * 2.0);
        var noise = Math.Sqrt(Math.Max(dt, 1e-6)) * 4.0;
        foreach (var agent in _state.Live)
        {
            if (agent.Tasks.Count > 0)
            {
                agent.State = AgentState.Busy;
            }
            else
            {
                agent.PhaseLeft -= dt;
                if (agent.State == AgentState.Busy || agent.PhaseLeft <= 0)
                {
                    // Between tasks an agent alternates between idle and active (thinking, coordinating).
                    agent.State = agent.State == AgentState.Idle ? AgentState.Active : AgentState.Idle;
                    agent.PhaseLeft = 1 + (_state.Random.NextDouble() * 4);
                }
            }

            var tasks = agent.Tasks.Count;
            var (cpuTarget, tokensPerSecond) = agent.State switch
            {
                AgentState.Busy => (55 + (10 * Math.Min(tasks, 4)), 120.0 * tasks),
                AgentState.Active => (25.0, 30.0),
                AgentState.Initializing => (40.0, 0.0),
                _ => (3.0, 0.0),
            };
            var cpu = agent.CpuUsage + ((cpuTarget - agent.CpuUsage) * smoothing) + ((_state.Random.NextDouble() - 0.5) * noise);
            agent.CpuUsage = Math.Clamp(cpu, 0, 100);
            var memTarget = agent.BaseMemory + (24 * tasks);
            agent.MemoryUsage = Math.Max(16, agent.MemoryUsage + ((memTarget - agent.MemoryUsage) * smoothing) + ((_state.Random.NextDouble() - 0.5) * noise));
            if (tokensPerSecond > 0)
            {
                agent.TokenCarry += tokensPerSecond * dt * (0.5 + _state.Random.NextDouble());
                var whole = (long)agent.TokenCarry;
                agent.TokenCarry -= whole;
                agent.TokensUsed += whole;
                _tokensSinceMetrics += whole;
            }

            _telemetry.AgentStatus(agent);
        }

        return _state.Live.Count;
    }

    private int AdvanceMessageFlows(double dt)
    {
        _flowCapCarry = Math.Min(_flowCapCarry + (_state.Options.MaxMessageFlowsPerSecond * dt), Math.Max(1, _state.Options.MaxMessageFlowsPerSecond));
        var written = 0;
        Span<byte> id = stackalloc byte[24];
        "msg-"u8.CopyTo(id);
        foreach (var swarm in _state.Swarms)
        {
            var agents = swarm.Agents;
            if (swarm.IsTerminated || agents.Count < 2)
            {
                continue;
            }

            // Expected messages this frame: busy agents talk most, idle ones only send heartbeats.
            var expected = 0.0;
            foreach (var a in agents)
            {
                expected += a.State switch { AgentState.Busy => 4.0, AgentState.Active => 1.5, _ => 0.2 };
            }

            swarm.FlowCarry += expected * dt;
            var count = (int)swarm.FlowCarry;
            swarm.FlowCarry -= count;
            for (var n = 0; n < count && _flowCapCarry >= 1; n++)
            {
                _flowCapCarry -= 1;
                var fromIndex = _state.Random.Next(agents.Count);
                var toIndex = PickRecipient(swarm, fromIndex);
                var from = agents[fromIndex];
                var to = agents[toIndex];
                var kind = from.State switch
                {
                    AgentState.Busy => _state.Random.Next(2),
                    AgentState.Active => 2,
                    _ => 3,
                };
                _messageSequence++;
                _messagesSinceMetrics++;
                swarm.MessagesExchanged++;
                _messageSequence.TryFormat(id[4..], out var digits, default, CultureInfo.InvariantCulture);

                var size = kind == 3 ? 64 : 256 + _state.Random.Next(8192);
                var latency = Math.Round(0.5 + (_state.Random.NextDouble() * 20), 2);
                _telemetry.MessageFlow(id[..(4 + digits)], from, to, swarm, kind, size, latency);
                written++;
            }
        }

        return written;
    }

    /// <summary>A recipient other than the sender, following the swarm's topology.</summary>
    private int PickRecipient(SimSwarm swarm, int from)
    {
        var n = swarm.Agents.Count;
        int Other()
        {
            var to = _state.Random.Next(n - 1);
            return to >= from ? to + 1 : to;
        }

        int Tree()
        {
            // Hierarchical: a 4-ary tree over the agent list, coordinator at index 0; talk to parent or a child.
            var firstChild = (4 * from) + 1;
            var hasChildren = firstChild < n;
            if (from == 0 || (hasChildren && _state.Random.Next(2) == 0))
            {
                return firstChild + _state.Random.Next(Math.Min(4, n - firstChild));
            }

            return (from - 1) / 4;
        }

        return swarm.Topology switch
        {
            "ring" => (from + 1) % n,
            "star" => from == 0 ? Other() : 0,
            "hierarchical" => Tree(),
            "hierarchical-mesh" => _state.Random.Next(2) == 0 ? Tree() : Other(),
            _ => Other(),
        };
    }

    private int WriteMetrics()
    {
        var window = Math.Max(_simSeconds - _metricsWindowStart, 1e-9);
        int busy = 0, active = 0;
        foreach (var a in _state.Live)
        {
            if (a.State == AgentState.Busy)
            {
                busy++;
            }
            else if (a.State == AgentState.Active)
            {
                active++;
            }
        }

        var (pending, inProgress, completed, _) = _state.CountTasks(null);
        var swarms = 0;
        long tokens = 0;
        foreach (var a in _state.Live)
        {
            tokens += a.TokensUsed;
        }

        foreach (var s in _state.Swarms)
        {
            swarms += s.IsTerminated ? 0 : 1;
        }

        _telemetry.SystemMetrics(new SystemMetricsLine(
            _state.Live.Count, busy, active, swarms, pending, inProgress, completed,
            Math.Round(_messagesSinceMetrics / window, 1), Math.Round(_tokensSinceMetrics / window, 1), tokens));
        var lines = 1;

        foreach (var s in _state.Swarms)
        {
            if (s.IsTerminated)
            {
                continue;
            }

            var swarmBusy = 0;
            foreach (var a in s.Agents)
            {
                swarmBusy += a.State == AgentState.Busy ? 1 : 0;
            }

            _telemetry.SwarmMetrics(s, swarmBusy);
            lines++;
        }

        _messagesSinceMetrics = 0;
        _tokensSinceMetrics = 0;
        _metricsWindowStart = _simSeconds;
        return lines;
    }
}

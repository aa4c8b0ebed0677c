using System.Buffers;
using System.Globalization;
using System.Text.Json;
using VisionFlow.Simulator.Model;

namespace VisionFlow.Simulator;

/// <summary>The simulation step and the telemetry push lines it produces.</summary>
public sealed partial class SwarmSimulator
{
    private const int FrameSegments = 5;
    private const int SegSpawned = 0, SegTerminated = 1, SegStatus = 2, SegFlow = 3, SegMetrics = 4;
    private const int StampLength = 24;

    private static readonly JsonEncodedText PType = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText PData = JsonEncodedText.Encode("data");
    private static readonly JsonEncodedText PTimestamp = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText PSimulated = JsonEncodedText.Encode("simulated");
    private static readonly JsonEncodedText PId = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText PAgentId = JsonEncodedText.Encode("agent_id");
    private static readonly JsonEncodedText PSwarmId = JsonEncodedText.Encode("swarm_id");
    private static readonly JsonEncodedText PAgentType = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText PStatus = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText PReason = JsonEncodedText.Encode("reason");
    private static readonly JsonEncodedText PCpu = JsonEncodedText.Encode("cpu_usage");
    private static readonly JsonEncodedText PMemory = JsonEncodedText.Encode("memory_usage");
    private static readonly JsonEncodedText PTasksActive = JsonEncodedText.Encode("tasks_active");
    private static readonly JsonEncodedText PTokens = JsonEncodedText.Encode("tokens_used");
    private static readonly JsonEncodedText PFrom = JsonEncodedText.Encode("from");
    private static readonly JsonEncodedText PTo = JsonEncodedText.Encode("to");
    private static readonly JsonEncodedText PMessageType = JsonEncodedText.Encode("message_type");
    private static readonly JsonEncodedText PSize = JsonEncodedText.Encode("size_bytes");
    private static readonly JsonEncodedText PLatency = JsonEncodedText.Encode("latency_ms");
    private static readonly JsonEncodedText PTopology = JsonEncodedText.Encode("topology");
    private static readonly JsonEncodedText PAgents = JsonEncodedText.Encode("agents");
    private static readonly JsonEncodedText PAgentsBusy = JsonEncodedText.Encode("agents_busy");
    private static readonly JsonEncodedText PAgentsActive = JsonEncodedText.Encode("agents_active");
    private static readonly JsonEncodedText PSwarms = JsonEncodedText.Encode("swarms");
    private static readonly JsonEncodedText PTasksPending = JsonEncodedText.Encode("tasks_pending");
    private static readonly JsonEncodedText PTasksInProgress = JsonEncodedText.Encode("tasks_in_progress");
    private static readonly JsonEncodedText PTasksCompleted = JsonEncodedText.Encode("tasks_completed");
    private static readonly JsonEncodedText PMessagesExchanged = JsonEncodedText.Encode("messages_exchanged");
    private static readonly JsonEncodedText PMessagesPerSecond = JsonEncodedText.Encode("messages_per_second");
    private static readonly JsonEncodedText PTokensPerSecond = JsonEncodedText.Encode("tokens_per_second");
    private static readonly JsonEncodedText PTokensTotal = JsonEncodedText.Encode("tokens_used");
    private static readonly JsonEncodedText TAgentSpawned = JsonEncodedText.Encode("agent.spawned");
    private static readonly JsonEncodedText TAgentTerminated = JsonEncodedText.Encode("agent.terminated");
    private static readonly JsonEncodedText TAgentStatus = JsonEncodedText.Encode("agent.status");
    private static readonly JsonEncodedText TMessageFlow = JsonEncodedText.Encode("message.flow");
    private static readonly JsonEncodedText TMetricsSystem = JsonEncodedText.Encode("metrics.system");
    private static readonly JsonEncodedText TMetricsSwarm = JsonEncodedText.Encode("metrics.swarm");
    private static readonly JsonEncodedText[] MessageTypes =
        [JsonEncodedText.Encode("task"), JsonEncodedText.Encode("result"), JsonEncodedText.Encode("coordination"), JsonEncodedText.Encode("heartbeat")];

    private readonly ArrayBufferWriter<byte>[] _frame;
    private readonly Utf8JsonWriter _eventWriter;
    private readonly byte[] _stamp = new byte[StampLength];
    private ArrayBufferWriter<byte> _pendingSpawned = new(1024);
    private ArrayBufferWriter<byte> _pendingTerminated = new(1024);
    private int _pendingSpawnedCount;
    private int _pendingTerminatedCount;
    private double _simSeconds;
    private double _nextMetricsAt;
    private double _flowCapCarry;
    private long _messageSequence;
    private long _frameSequence;
    private long _messagesSinceMetrics;
    private long _tokensSinceMetrics;
    private double _metricsWindowStart;
    private TelemetryFrameInfo _lastFrame;

    /// <summary>Counts of the last frame produced by <see cref="Advance"/>.</summary>
    public TelemetryFrameInfo LastFrame
    {
        get
        {
            lock (_gate)
            {
                return _lastFrame;
            }
        }
    }

    /// <summary>Advances the simulation by <paramref name="elapsed"/> and writes that frame's push lines.</summary>
    /// <returns>The number of bytes written to <paramref name="destination"/>.</returns>
    public int Tick(TimeSpan elapsed, IBufferWriter<byte> destination, TelemetryEvents events = TelemetryEvents.All)
    {
        lock (_gate)
        {
            Advance(elapsed);
            return WriteFrame(destination, events);
        }
    }

    /// <summary>
    /// Advances the simulation by <paramref name="elapsed"/> (agents change state and resource use, tasks progress,
    /// messages flow) and renders the frame's telemetry lines once, so any number of subscribers can copy them with
    /// <see cref="WriteFrame"/>. Steady state allocates nothing.
    /// </summary>
    public void Advance(TimeSpan elapsed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elapsed, TimeSpan.Zero);
        lock (_gate)
        {
            var dt = elapsed.TotalSeconds;
            _simSeconds += dt;
            var now = Now;
            FormatStamp(now, _stamp);
            foreach (var segment in _frame)
            {
                segment.ResetWrittenCount();
            }

            // Lifecycle events recorded by requests since the last frame become this frame's first lines.
            (_frame[SegSpawned], _pendingSpawned) = (_pendingSpawned, _frame[SegSpawned]);
            (_frame[SegTerminated], _pendingTerminated) = (_pendingTerminated, _frame[SegTerminated]);
            var spawned = _pendingSpawnedCount;
            var terminated = _pendingTerminatedCount;
            _pendingSpawnedCount = _pendingTerminatedCount = 0;

            AdvanceTasks(dt);
            if (_options.AutonomousWork)
            {
                Delegate(dt);
            }

            var status = AdvanceAgents(dt);
            var flows = AdvanceMessageFlows(dt);
            var metrics = 0;
            if (_simSeconds + 1e-9 >= _nextMetricsAt)
            {
                metrics = WriteMetrics();
                _nextMetricsAt = _simSeconds + _options.MetricsInterval.TotalSeconds;
            }

            _lastFrame = new TelemetryFrameInfo(++_frameSequence, now, spawned, terminated, status, flows, metrics);
        }
    }

    /// <summary>Copies the current frame's lines of the requested types to <paramref name="destination"/>.</summary>
    /// <returns>The number of bytes written.</returns>
    public int WriteFrame(IBufferWriter<byte> destination, TelemetryEvents events = TelemetryEvents.All)
    {
        ArgumentNullException.ThrowIfNull(destination);
        lock (_gate)
        {
            var written = 0;
            for (var i = 0; i < FrameSegments; i++)
            {
                if (((int)events & (1 << i)) == 0)
                {
                    continue;
                }

                var bytes = _frame[i].WrittenSpan;
                if (!bytes.IsEmpty)
                {
                    bytes.CopyTo(destination.GetSpan(bytes.Length));
                    destination.Advance(bytes.Length);
                    written += bytes.Length;
                }
            }

            return written;
        }
    }

    private static void FormatStamp(DateTimeOffset time, Span<byte> destination)
    {
        time.UtcDateTime.TryFormat(destination, out _, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }

    private void BeginEvent(ArrayBufferWriter<byte> to, JsonEncodedText type)
    {
        _eventWriter.Reset(to);
        _eventWriter.WriteStartObject();
        _eventWriter.WriteString(PType, type);
        _eventWriter.WriteStartObject(PData);
    }

    private void EndEvent(ArrayBufferWriter<byte> to, ReadOnlySpan<byte> stamp)
    {
        _eventWriter.WriteBoolean(PSimulated, true);
        _eventWriter.WriteEndObject();
        _eventWriter.WriteString(PTimestamp, stamp);
        _eventWriter.WriteEndObject();
        _eventWriter.Flush();
        to.GetSpan(1)[0] = (byte)'\n';
        to.Advance(1);
    }

    private void WriteSwarmId(SimSwarm? swarm)
    {
        if (swarm is null)
        {
            _eventWriter.WriteNull(PSwarmId);
        }
        else
        {
            _eventWriter.WriteString(PSwarmId, swarm.IdJson);
        }
    }

    private void QueueAgentSpawned(SimAgent agent)
    {
        Span<byte> stamp = stackalloc byte[StampLength];
        FormatStamp(agent.CreatedAt, stamp);
        BeginEvent(_pendingSpawned, TAgentSpawned);
        _eventWriter.WriteString(PId, agent.IdJson);
        _eventWriter.WriteString(PAgentId, agent.IdJson);
        _eventWriter.WriteString(PAgentType, agent.TypeJson);
        WriteSwarmId(agent.Swarm);
        _eventWriter.WriteString(PStatus, Names.JsonOf(agent.State));
        EndEvent(_pendingSpawned, stamp);
        _pendingSpawnedCount++;
    }

    private void QueueAgentTerminated(SimAgent agent, string reason)
    {
        Span<byte> stamp = stackalloc byte[StampLength];
        FormatStamp(agent.TerminatedAt ?? Now, stamp);
        BeginEvent(_pendingTerminated, TAgentTerminated);
        _eventWriter.WriteString(PId, agent.IdJson);
        _eventWriter.WriteString(PAgentId, agent.IdJson);
        WriteSwarmId(agent.Swarm);
        _eventWriter.WriteString(PReason, reason);
        _eventWriter.WriteString(PStatus, Names.JsonOf(AgentState.Terminated));
        EndEvent(_pendingTerminated, stamp);
        _pendingTerminatedCount++;
    }

    private void AdvanceTasks(double dt)
    {
        for (var i = _activeTasks.Count - 1; i >= 0; i--)
        {
            var task = _activeTasks[i];
            if (task.Assignees.Count == 0)
            {
                continue;
            }

            // More hands help, with diminishing returns.
            var crew = 1 + (0.25 * (task.Assignees.Count - 1));
            task.Progress += task.Rate * crew * (0.75 + (_random.NextDouble() * 0.5)) * dt;
            if (task.Progress >= 100)
            {
                CompleteTask(task, null);
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
        var chance = dt / _options.DelegationMeanSeconds;
        foreach (var swarm in _swarms)
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
                if (agent.Tasks.Count == 0 && agent.State is AgentState.Idle or AgentState.Active && _random.NextDouble() < chance)
                {
                    CreateTask("subtask", parent.Description, "normal", [agent]);
                }
            }
        }
    }

    private int AdvanceAgents(double dt)
    {
        var segment = _frame[SegStatus];
        var stamp = _stamp.AsSpan();
        var smoothing = Math.Min(1.0, dt * 2.0);
        var noise = Math.Sqrt(Math.Max(dt, 1e-6)) * 4.0;
        foreach (var agent in _live)
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
                    agent.PhaseLeft = 1 + (_random.NextDouble() * 4);
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
            var cpu = agent.CpuUsage + ((cpuTarget - agent.CpuUsage) * smoothing) + ((_random.NextDouble() - 0.5) * noise);
            agent.CpuUsage = Math.Clamp(cpu, 0, 100);
            var memTarget = agent.BaseMemory + (24 * tasks);
            agent.MemoryUsage = Math.Max(16, agent.MemoryUsage + ((memTarget - agent.MemoryUsage) * smoothing) + ((_random.NextDouble() - 0.5) * noise));
            if (tokensPerSecond > 0)
            {
                agent.TokenCarry += tokensPerSecond * dt * (0.5 + _random.NextDouble());
                var whole = (long)agent.TokenCarry;
                agent.TokenCarry -= whole;
                agent.TokensUsed += whole;
                _tokensSinceMetrics += whole;
            }

            BeginEvent(segment, TAgentStatus);
            _eventWriter.WriteString(PAgentId, agent.IdJson);
            WriteSwarmId(agent.Swarm);
            _eventWriter.WriteString(PAgentType, agent.TypeJson);
            _eventWriter.WriteString(PStatus, Names.JsonOf(agent.State));
            _eventWriter.WriteNumber(PCpu, Math.Round(agent.CpuUsage, 1));
            _eventWriter.WriteNumber(PMemory, Math.Round(agent.MemoryUsage, 1));
            _eventWriter.WriteNumber(PTasksActive, tasks);
            _eventWriter.WriteNumber(PTokens, agent.TokensUsed);
            EndEvent(segment, stamp);
        }

        return _live.Count;
    }

    private int AdvanceMessageFlows(double dt)
    {
        var segment = _frame[SegFlow];
        var stamp = _stamp.AsSpan();
        _flowCapCarry = Math.Min(_flowCapCarry + (_options.MaxMessageFlowsPerSecond * dt), Math.Max(1, _options.MaxMessageFlowsPerSecond));
        var written = 0;
        Span<byte> id = stackalloc byte[24];
        "msg-"u8.CopyTo(id);
        foreach (var swarm in _swarms)
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
                var fromIndex = _random.Next(agents.Count);
                var toIndex = PickRecipient(swarm, fromIndex);
                var from = agents[fromIndex];
                var to = agents[toIndex];
                var kind = from.State switch
                {
                    AgentState.Busy => _random.Next(2),
                    AgentState.Active => 2,
                    _ => 3,
                };
                _messageSequence++;
                _messagesSinceMetrics++;
                swarm.MessagesExchanged++;
                _messageSequence.TryFormat(id[4..], out var digits, default, CultureInfo.InvariantCulture);

                BeginEvent(segment, TMessageFlow);
                _eventWriter.WriteString(PId, id[..(4 + digits)]);
                _eventWriter.WriteString(PFrom, from.IdJson);
                _eventWriter.WriteString(PTo, to.IdJson);
                _eventWriter.WriteString(PSwarmId, swarm.IdJson);
                _eventWriter.WriteString(PMessageType, MessageTypes[kind]);
                _eventWriter.WriteNumber(PSize, kind == 3 ? 64 : 256 + _random.Next(8192));
                _eventWriter.WriteNumber(PLatency, Math.Round(0.5 + (_random.NextDouble() * 20), 2));
                EndEvent(segment, stamp);
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
            var to = _random.Next(n - 1);
            return to >= from ? to + 1 : to;
        }

        int Tree()
        {
            // Hierarchical: a 4-ary tree over the agent list, coordinator at index 0; talk to parent or a child.
            var firstChild = (4 * from) + 1;
            var hasChildren = firstChild < n;
            if (from == 0 || (hasChildren && _random.Next(2) == 0))
            {
                return firstChild + _random.Next(Math.Min(4, n - firstChild));
            }

            return (from - 1) / 4;
        }

        return swarm.Topology switch
        {
            "ring" => (from + 1) % n,
            "star" => from == 0 ? Other() : 0,
            "hierarchical" => Tree(),
            "hierarchical-mesh" => _random.Next(2) == 0 ? Tree() : Other(),
            _ => Other(),
        };
    }

    private int WriteMetrics()
    {
        var segment = _frame[SegMetrics];
        var stamp = _stamp.AsSpan();
        var window = Math.Max(_simSeconds - _metricsWindowStart, 1e-9);
        int busy = 0, active = 0;
        foreach (var a in _live)
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

        var (pending, inProgress, completed, _) = CountTasks(null);
        var swarms = 0;
        long tokens = 0;
        foreach (var a in _live)
        {
            tokens += a.TokensUsed;
        }

        foreach (var s in _swarms)
        {
            swarms += s.IsTerminated ? 0 : 1;
        }

        BeginEvent(segment, TMetricsSystem);
        _eventWriter.WriteNumber(PAgents, _live.Count);
        _eventWriter.WriteNumber(PAgentsBusy, busy);
        _eventWriter.WriteNumber(PAgentsActive, active);
        _eventWriter.WriteNumber(PSwarms, swarms);
        _eventWriter.WriteNumber(PTasksPending, pending);
        _eventWriter.WriteNumber(PTasksInProgress, inProgress);
        _eventWriter.WriteNumber(PTasksCompleted, completed);
        _eventWriter.WriteNumber(PMessagesPerSecond, Math.Round(_messagesSinceMetrics / window, 1));
        _eventWriter.WriteNumber(PTokensPerSecond, Math.Round(_tokensSinceMetrics / window, 1));
        _eventWriter.WriteNumber(PTokensTotal, tokens);
        EndEvent(segment, stamp);
        var lines = 1;

        foreach (var s in _swarms)
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

            BeginEvent(segment, TMetricsSwarm);
            _eventWriter.WriteString(PSwarmId, s.IdJson);
            _eventWriter.WriteString(PTopology, s.TopologyJson);
            _eventWriter.WriteNumber(PAgents, s.Agents.Count);
            _eventWriter.WriteNumber(PAgentsBusy, swarmBusy);
            _eventWriter.WriteNumber(PMessagesExchanged, s.MessagesExchanged);
            EndEvent(segment, stamp);
            lines++;
        }

        _messagesSinceMetrics = 0;
        _tokensSinceMetrics = 0;
        _metricsWindowStart = _simSeconds;
        return lines;
    }
}

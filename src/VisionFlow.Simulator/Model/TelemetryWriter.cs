using System.Buffers;
using System.Globalization;
using System.Text.Json;
using VisionFlow.Simulator.Model;

namespace VisionFlow.Simulator.Model;

/// <summary>
/// Renders the simulator's telemetry push lines (<c>{"type":…,"data":{…,"simulated":true},"timestamp":…}</c>, one per
/// line) into one frame of five segments, one per <see cref="TelemetryEvents"/> type, so a frame is rendered once and
/// copied to every subscriber with the types it asked for. Lifecycle lines recorded between frames are kept aside and
/// open the next frame. Property names are pre-encoded and the writer is reused: steady state allocates nothing. Called
/// under the simulator's lock only.
/// </summary>
internal sealed class TelemetryWriter
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

    public TelemetryWriter()
    {
        _frame = new ArrayBufferWriter<byte>[FrameSegments];
        for (var i = 0; i < FrameSegments; i++)
        {
            _frame[i] = new ArrayBufferWriter<byte>(4096);
        }

        _eventWriter = new Utf8JsonWriter(_pendingSpawned, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>
    /// Starts a frame stamped <paramref name="now"/>: clears the segments and moves the lifecycle lines recorded since
    /// the last frame into it, as its first lines.
    /// </summary>
    public void BeginFrame(DateTimeOffset now, out int spawned, out int terminated)
    {
        FormatStamp(now, _stamp);
        foreach (var segment in _frame)
        {
            segment.ResetWrittenCount();
        }

        (_frame[SegSpawned], _pendingSpawned) = (_pendingSpawned, _frame[SegSpawned]);
        (_frame[SegTerminated], _pendingTerminated) = (_pendingTerminated, _frame[SegTerminated]);
        spawned = _pendingSpawnedCount;
        terminated = _pendingTerminatedCount;
        _pendingSpawnedCount = _pendingTerminatedCount = 0;
    }

    /// <summary>Records an <c>agent.spawned</c> line for the next frame, stamped with the agent's creation time.</summary>
    public void AgentSpawned(SimAgent agent)
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

    /// <summary>Records an <c>agent.terminated</c> line for the next frame, stamped <paramref name="at"/>.</summary>
    public void AgentTerminated(SimAgent agent, string reason, DateTimeOffset at)
    {
        Span<byte> stamp = stackalloc byte[StampLength];
        FormatStamp(at, stamp);
        BeginEvent(_pendingTerminated, TAgentTerminated);
        _eventWriter.WriteString(PId, agent.IdJson);
        _eventWriter.WriteString(PAgentId, agent.IdJson);
        WriteSwarmId(agent.Swarm);
        _eventWriter.WriteString(PReason, reason);
        _eventWriter.WriteString(PStatus, Names.JsonOf(AgentState.Terminated));
        EndEvent(_pendingTerminated, stamp);
        _pendingTerminatedCount++;
    }

    /// <summary>Writes an <c>agent.status</c> line with the agent's current state and resource use.</summary>
    public void AgentStatus(SimAgent agent)
    {
        var segment = _frame[SegStatus];
        BeginEvent(segment, TAgentStatus);
        _eventWriter.WriteString(PAgentId, agent.IdJson);
        WriteSwarmId(agent.Swarm);
        _eventWriter.WriteString(PAgentType, agent.TypeJson);
        _eventWriter.WriteString(PStatus, Names.JsonOf(agent.State));
        _eventWriter.WriteNumber(PCpu, Math.Round(agent.CpuUsage, 1));
        _eventWriter.WriteNumber(PMemory, Math.Round(agent.MemoryUsage, 1));
        _eventWriter.WriteNumber(PTasksActive, agent.Tasks.Count);
        _eventWriter.WriteNumber(PTokens, agent.TokensUsed);
        EndEvent(segment, _stamp);
    }

    /// <summary>Writes a <c>message.flow</c> line; <paramref name="kind"/> indexes task, result, coordination, heartbeat.</summary>
    public void MessageFlow(ReadOnlySpan<byte> id, SimAgent from, SimAgent to, SimSwarm swarm, int kind, int sizeBytes, double latencyMs)
    {
        var segment = _frame[SegFlow];
        BeginEvent(segment, TMessageFlow);
        _eventWriter.WriteString(PId, id);
        _eventWriter.WriteString(PFrom, from.IdJson);
        _eventWriter.WriteString(PTo, to.IdJson);
        _eventWriter.WriteString(PSwarmId, swarm.IdJson);
        _eventWriter.WriteString(PMessageType, MessageTypes[kind]);
        _eventWriter.WriteNumber(PSize, sizeBytes);
        _eventWriter.WriteNumber(PLatency, latencyMs);
        EndEvent(segment, _stamp);
    }

    /// <summary>Writes the <c>metrics.system</c> line.</summary>
    public void SystemMetrics(in SystemMetricsLine m)
    {
        var segment = _frame[SegMetrics];
        BeginEvent(segment, TMetricsSystem);
        _eventWriter.WriteNumber(PAgents, m.Agents);
        _eventWriter.WriteNumber(PAgentsBusy, m.Busy);
        _eventWriter.WriteNumber(PAgentsActive, m.Active);
        _eventWriter.WriteNumber(PSwarms, m.Swarms);
        _eventWriter.WriteNumber(PTasksPending, m.TasksPending);
        _eventWriter.WriteNumber(PTasksInProgress, m.TasksInProgress);
        _eventWriter.WriteNumber(PTasksCompleted, m.TasksCompleted);
        _eventWriter.WriteNumber(PMessagesPerSecond, m.MessagesPerSecond);
        _eventWriter.WriteNumber(PTokensPerSecond, m.TokensPerSecond);
        _eventWriter.WriteNumber(PTokensTotal, m.TokensUsed);
        EndEvent(segment, _stamp);
    }

    /// <summary>Writes one swarm's <c>metrics.swarm</c> line.</summary>
    public void SwarmMetrics(SimSwarm swarm, int busy)
    {
        var segment = _frame[SegMetrics];
        BeginEvent(segment, TMetricsSwarm);
        _eventWriter.WriteString(PSwarmId, swarm.IdJson);
        _eventWriter.WriteString(PTopology, swarm.TopologyJson);
        _eventWriter.WriteNumber(PAgents, swarm.Agents.Count);
        _eventWriter.WriteNumber(PAgentsBusy, busy);
        _eventWriter.WriteNumber(PMessagesExchanged, swarm.MessagesExchanged);
        EndEvent(segment, _stamp);
    }

    /// <summary>Copies the current frame's lines of the requested types to <paramref name="destination"/>.</summary>
    /// <returns>The number of bytes written.</returns>
    public int WriteFrame(IBufferWriter<byte> destination, TelemetryEvents events)
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
}

/// <summary>The figures of one <c>metrics.system</c> line.</summary>
internal readonly record struct SystemMetricsLine(
    int Agents, int Busy, int Active, int Swarms, int TasksPending, int TasksInProgress, int TasksCompleted,
    double MessagesPerSecond, double TokensPerSecond, long TokensUsed);

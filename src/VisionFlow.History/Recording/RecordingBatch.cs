using VisionFlow.History.Model;

namespace VisionFlow.History.Recording;

/// <summary>
/// One change set being recorded: every record in it has the moment the batch began. Holds the recorder's lock until
/// disposed, so a change set is never interleaved with another's. The default value (from a stopped recorder) records nothing.
/// </summary>
public readonly ref struct RecordingBatch
{
    private readonly HistoryRecorder? _recorder;
    private readonly long _moment;

    internal RecordingBatch(HistoryRecorder recorder, long moment)
    {
        _recorder = recorder;
        _moment = moment;
    }

    /// <summary>The batch's moment.</summary>
    public DateTimeOffset At => Micros.ToTime(_moment);

    /// <summary>An agent appeared, with every field it has.</summary>
    public void AgentAdded(string id, ReadOnlySpan<FieldChange> fields) => _recorder?.EntityAdded(_moment, EntityKind.Agent, id, null, fields);

    /// <summary>Fields of an agent changed (only those).</summary>
    public void AgentChanged(string id, ReadOnlySpan<FieldChange> fields) => _recorder?.EntityChanged(_moment, EntityKind.Agent, id, null, fields);

    /// <summary>An agent went.</summary>
    public void AgentRemoved(string id) => _recorder?.EntityRemoved(_moment, EntityKind.Agent, id, null);

    /// <summary>A swarm, task or note appeared (agents and edges have their own methods).</summary>
    public void Added(EntityKind kind, string id, ReadOnlySpan<FieldChange> fields) => _recorder?.EntityAdded(_moment, kind, id, null, fields);

    /// <summary>Fields of a swarm, task or note changed.</summary>
    public void Changed(EntityKind kind, string id, ReadOnlySpan<FieldChange> fields) => _recorder?.EntityChanged(_moment, kind, id, null, fields);

    /// <summary>A swarm, task or note went.</summary>
    public void Removed(EntityKind kind, string id) => _recorder?.EntityRemoved(_moment, kind, id, null);

    /// <summary>A message-flow edge appeared.</summary>
    public void EdgeAdded(string from, string to, ReadOnlySpan<FieldChange> fields) => _recorder?.EntityAdded(_moment, EntityKind.Edge, from, to, fields);

    /// <summary>An edge's weight or counts changed.</summary>
    public void EdgeChanged(string from, string to, ReadOnlySpan<FieldChange> fields) => _recorder?.EntityChanged(_moment, EntityKind.Edge, from, to, fields);

    /// <summary>An edge went.</summary>
    public void EdgeRemoved(string from, string to) => _recorder?.EntityRemoved(_moment, EntityKind.Edge, from, to);

    /// <summary>The MCP link changed state.</summary>
    public void Link(string state, string? detail = null, string? failureKind = null, string? address = null) =>
        _recorder?.LinkChanged(_moment, state, detail, failureKind, address);

    /// <summary>The degradation level changed.</summary>
    public void Degradation(int from, int to, string? reason) => _recorder?.DegradationChanged(_moment, from, to, reason);

    /// <summary>A command went through the API and was answered.</summary>
    public void Command(string client, string operation, string? target, string? request, int status, string? answer, TimeSpan duration) =>
        _recorder?.CommandSent(_moment, client, operation, target, request, status, answer, duration);

    /// <summary>The layout's positions (kept at most every position interval).</summary>
    public void Positions(ReadOnlySpan<NodePosition> nodes) => _recorder?.PositionsOffered(_moment, nodes);

    /// <summary>Ends the batch (releases the recorder's lock).</summary>
    public void Dispose() => _recorder?.EndBatch();
}

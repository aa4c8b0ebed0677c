using VisionFlow.Agents.Cache;

namespace VisionFlow.Server.Mcp;

/// <summary>
/// Agents whose updates since they were last passed on moved only gauges (CPU, memory, tokens), held so that their
/// readers (the <c>/ws</c> agents topic, the history tap) pass them on together once an interval has passed instead of
/// ten times a second: a busy swarm moves every agent's gauges on every telemetry tick. One per reader, used on the
/// intake's thread (inside <see cref="Agents.Intake.TelemetryIntake.ChangesApplied"/> and
/// <see cref="Agents.Intake.TelemetryIntake.Woke"/>, where intake keys are valid); not thread-safe.
/// </summary>
internal sealed class HeldGauges
{
    /// <summary>The fields held back.</summary>
    public const AgentFields Gauges = AgentFields.CpuUsage | AgentFields.MemoryUsage | AgentFields.TokensUsed;

    private readonly HashSet<int> _keys = [];
    private readonly TimeProvider _time;
    private long _takenAt;

    public HeldGauges(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _takenAt = time.GetTimestamp();
    }

    /// <summary>Agents held.</summary>
    public int Count => _keys.Count;

    /// <summary>Whether an update of <paramref name="fields"/> moved gauges only (and so may be held).</summary>
    public static bool OnlyGauges(AgentFields fields) => (fields & ~Gauges) == 0;

    /// <summary>Holds <paramref name="key"/>'s gauges back.</summary>
    public void Hold(int key) => _keys.Add(key);

    /// <summary>
    /// Lets go of <paramref name="key"/>: it is passed on now with another change, or it is gone (a key is reused only by
    /// a later batch's new agent). Returns whether its gauges were held, so that the caller passes them on too.
    /// </summary>
    public bool Release(int key) => _keys.Remove(key);

    /// <summary>Whether agents are held and <paramref name="interval"/> has passed since they were last taken.</summary>
    public bool Due(TimeSpan interval) => _keys.Count > 0 && _time.GetElapsedTime(_takenAt) >= interval;

    /// <summary>The agents held (enumerate, pass each on, then <see cref="Taken"/>).</summary>
    public HashSet<int>.Enumerator GetEnumerator() => _keys.GetEnumerator();

    /// <summary>Every agent held was passed on: the interval starts again.</summary>
    public void Taken()
    {
        _keys.Clear();
        _takenAt = _time.GetTimestamp();
    }
}

using VisionFlow.Agents.Cache;
using VisionFlow.Agents.Intake;

namespace VisionFlow.Agents.Tests;

/// <summary>Copies every published change set into plain data (the change set itself is reused).</summary>
internal sealed class Recorder
{
    private readonly TelemetryIntake _intake;

    public Recorder(TelemetryIntake intake)
    {
        _intake = intake;
        intake.ChangesApplied += OnChanges;
    }

    public List<Change> Changes { get; } = [];

    public Change Last => Changes[^1];

    private void OnChanges(AgentChangeSet set)
    {
        Changes.Add(new Change(
            Names(set.Added), Names(set.Removed), Names(set.Updated), set.TopologyChanged, set.AvailabilityChanged, set.Version));
        Signal.Release();
    }

    public SemaphoreSlim Signal { get; } = new(0);

    private string[] Names(ReadOnlySpan<int> keys)
    {
        var names = new string[keys.Length];
        for (var i = 0; i < keys.Length; i++) names[i] = _intake.AgentId(keys[i]);
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    internal sealed record Change(string[] Added, string[] Removed, string[] Updated, bool Topology, bool Availability, long Version)
    {
        public string Describe() => $"+[{string.Join(',', Added)}] -[{string.Join(',', Removed)}] ~[{string.Join(',', Updated)}] topo={Topology}";
    }
}

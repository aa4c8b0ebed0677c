using VisionFlow.History.Model;

namespace VisionFlow.History.State;

/// <summary>Everything as it was at <see cref="At"/>: agents, swarms, tasks, edges, notes (each ordered by id), the link, the degradation level and the last position sample.</summary>
public sealed class HistoryStateView
{
    internal HistoryStateView(
        DateTimeOffset at,
        IReadOnlyList<EntityView> agents,
        IReadOnlyList<EntityView> swarms,
        IReadOnlyList<EntityView> tasks,
        IReadOnlyList<EntityView> edges,
        IReadOnlyList<EntityView> notes,
        LinkRecord? link,
        DegradationRecord? degradation,
        PositionsRecord? positions,
        GapRecord? lastGap)
    {
        At = at;
        Agents = agents;
        Swarms = swarms;
        Tasks = tasks;
        Edges = edges;
        Notes = notes;
        Link = link;
        Degradation = degradation;
        Positions = positions;
        LastGap = lastGap;
    }

    /// <summary>The moment asked about.</summary>
    public DateTimeOffset At { get; }

    /// <summary>Agents then.</summary>
    public IReadOnlyList<EntityView> Agents { get; }

    /// <summary>Swarms then.</summary>
    public IReadOnlyList<EntityView> Swarms { get; }

    /// <summary>Tasks then.</summary>
    public IReadOnlyList<EntityView> Tasks { get; }

    /// <summary>Message-flow edges then.</summary>
    public IReadOnlyList<EntityView> Edges { get; }

    /// <summary>Knowledge-graph notes then.</summary>
    public IReadOnlyList<EntityView> Notes { get; }

    /// <summary>The link's last transition before then (null when none was recorded).</summary>
    public LinkRecord? Link { get; }

    /// <summary>The last degradation transition before then; its <see cref="DegradationRecord.To"/> is the level (null: none recorded, level 0).</summary>
    public DegradationRecord? Degradation { get; }

    /// <summary>The degradation level then (0 fully operational … 3 safe mode).</summary>
    public int DegradationLevel => Degradation?.To ?? 0;

    /// <summary>The last position sample before then.</summary>
    public PositionsRecord? Positions { get; }

    /// <summary>The last gap in recording before then (the state is whole again after it, but what happened during it is not known).</summary>
    public GapRecord? LastGap { get; }
}

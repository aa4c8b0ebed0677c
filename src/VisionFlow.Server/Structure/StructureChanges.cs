using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Server.Structure;

/// <summary>
/// What one read of the server's structure changed (<see cref="StructureTracker.Changed"/>): swarms and tasks added,
/// updated (any reported field differs) and removed (by id), and the <see cref="StructureSnapshot"/> it produced.
/// A new instance per change: a consumer may keep it.
/// </summary>
internal sealed class StructureChanges
{
    internal StructureChanges(StructureSnapshot snapshot, KeyedChanges<SwarmInfo> swarms, KeyedChanges<TaskSummary> tasks)
    {
        Snapshot = snapshot;
        Swarms = swarms;
        Tasks = tasks;
    }

    /// <summary>The snapshot after the change (its <see cref="StructureSnapshot.Version"/> is this change's).</summary>
    public StructureSnapshot Snapshot { get; }

    /// <summary>The version after the change.</summary>
    public long Version => Snapshot.Version;

    /// <summary>Swarms added, updated, removed.</summary>
    public KeyedChanges<SwarmInfo> Swarms { get; }

    /// <summary>Tasks added, updated, removed.</summary>
    public KeyedChanges<TaskSummary> Tasks { get; }

    /// <summary>Whether anything changed (a change set without any is never published).</summary>
    public bool HasChanges => Swarms.HasChanges || Tasks.HasChanges;
}

namespace VisionFlow.Agents.Cache;

/// <summary>
/// What one batch changed, by agent key. One instance is reused for every batch: consumers read it synchronously
/// inside the callback and copy what they keep.
/// </summary>
public sealed class AgentChangeSet
{
    private readonly int[] _added;
    private readonly int[] _removed;
    private readonly int[] _updated;
    private int _addedCount;
    private int _removedCount;
    private int _updatedCount;

    internal AgentChangeSet(int capacity)
    {
        _added = new int[capacity];
        _removed = new int[capacity];
        _updated = new int[capacity];
    }

    /// <summary>Cache version after this batch.</summary>
    public long Version { get; internal set; }

    /// <summary>Agents that appeared.</summary>
    public ReadOnlySpan<int> Added => _added.AsSpan(0, _addedCount);

    /// <summary>Agents that disappeared (terminated, absent from a poll, silent too long, or the source went away).</summary>
    public ReadOnlySpan<int> Removed => _removed.AsSpan(0, _removedCount);

    /// <summary>Agents whose fields changed (including becoming stale).</summary>
    public ReadOnlySpan<int> Updated => _updated.AsSpan(0, _updatedCount);

    /// <summary>Agent membership changed (something added or removed).</summary>
    public bool TopologyChanged => _addedCount > 0 || _removedCount > 0;

    /// <summary>The source's availability flipped in this batch.</summary>
    public bool AvailabilityChanged { get; internal set; }

    /// <summary>Message-flow edges appeared, faded or went in this batch.</summary>
    public bool EdgesChanged { get; internal set; }

    /// <summary>Whether anything changed.</summary>
    public bool HasChanges => TopologyChanged || _updatedCount > 0 || AvailabilityChanged || EdgesChanged;

    internal void Clear()
    {
        _addedCount = _removedCount = _updatedCount = 0;
        AvailabilityChanged = false;
        EdgesChanged = false;
    }

    internal void AddAdded(int key) => _added[_addedCount++] = key;

    internal void AddRemoved(int key) => _removed[_removedCount++] = key;

    internal void AddUpdated(int key) => _updated[_updatedCount++] = key;
}

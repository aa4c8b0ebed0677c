namespace VisionFlow.Agents.Cache;

/// <summary>
/// What one batch changed: agents added, removed and updated (with which fields), and message-flow edges that appeared,
/// were re-weighted or went, by agent key. One instance is reused for every batch: consumers read it synchronously
/// inside the callback and copy what they keep, so publishing costs nothing however many agents there are.
/// </summary>
public sealed class AgentChangeSet
{
    private readonly int[] _added;
    private readonly int[] _removed;
    private readonly int[] _updated;
    private readonly AgentFields[] _updatedFields;
    private (int A, int B, float Weight)[] _edges = new (int, int, float)[64];
    private int _addedCount;
    private int _removedCount;
    private int _updatedCount;
    private int _edgeCount;

    internal AgentChangeSet(int capacity)
    {
        _added = new int[capacity];
        _removed = new int[capacity];
        _updated = new int[capacity];
        _updatedFields = new AgentFields[capacity];
    }

    /// <summary>Cache version after this batch.</summary>
    public long Version { get; internal set; }

    /// <summary>Agents that appeared.</summary>
    public ReadOnlySpan<int> Added => _added.AsSpan(0, _addedCount);

    /// <summary>Agents that disappeared (terminated, absent from a poll, silent too long, or the source went away).</summary>
    public ReadOnlySpan<int> Removed => _removed.AsSpan(0, _removedCount);

    /// <summary>Agents already present whose fields changed (including becoming stale); <see cref="UpdatedFields"/> says which.</summary>
    public ReadOnlySpan<int> Updated => _updated.AsSpan(0, _updatedCount);

    /// <summary>The fields that changed for each of <see cref="Updated"/>, at the same index.</summary>
    public ReadOnlySpan<AgentFields> UpdatedFields => _updatedFields.AsSpan(0, _updatedCount);

    /// <summary>
    /// Message-flow edges whose weight changed, by agent keys (smaller key first): an edge not seen before is new, a weight
    /// of 0 means the edge went (faded below the floor, or an end was removed). Weights are reported when they move by
    /// more than a quarter, so a fading edge is not handed on every batch.
    /// </summary>
    public ReadOnlySpan<(int A, int B, float Weight)> EdgeChanges => _edges.AsSpan(0, _edgeCount);

    /// <summary>Agent membership changed (something added or removed).</summary>
    public bool TopologyChanged => _addedCount > 0 || _removedCount > 0;

    /// <summary>The source's availability flipped in this batch.</summary>
    public bool AvailabilityChanged { get; internal set; }

    /// <summary>Message flows were recorded, or edges appeared, faded or went in this batch (<see cref="EdgeChanges"/>).</summary>
    public bool EdgesChanged { get; internal set; }

    /// <summary>Whether anything changed.</summary>
    public bool HasChanges => TopologyChanged || _updatedCount > 0 || AvailabilityChanged || EdgesChanged;

    internal void Clear()
    {
        _addedCount = _removedCount = _updatedCount = _edgeCount = 0;
        AvailabilityChanged = false;
        EdgesChanged = false;
    }

    internal void AddAdded(int key) => _added[_addedCount++] = key;

    internal void AddRemoved(int key) => _removed[_removedCount++] = key;

    internal void AddUpdated(int key, AgentFields fields)
    {
        _updatedFields[_updatedCount] = fields;
        _updated[_updatedCount++] = key;
    }

    internal void AddEdge(int a, int b, float weight)
    {
        if (_edgeCount == _edges.Length) Array.Resize(ref _edges, _edges.Length * 2);
        _edges[_edgeCount++] = (a, b, weight);
    }
}

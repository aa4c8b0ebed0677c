namespace VisionFlow.Agents.Graph;

/// <summary>
/// What changed in a <see cref="GraphModel"/> since the previous commit. <see cref="Operations"/> is the exact ordered
/// log to replay on per-node buffers (e.g. GPU slots); <see cref="Removed"/>, <see cref="Moved"/> and <see cref="Added"/>
/// are the same events split by kind. Two instances alternate: a list is valid until the model's next commit.
/// </summary>
public sealed class GraphChangeList
{
    private NodeChange[] _removed = new NodeChange[16];
    private NodeMove[] _moved = new NodeMove[16];
    private NodeChange[] _added = new NodeChange[16];
    private int _removedCount;
    private int _movedCount;
    private int _addedCount;
    private NodeOperation[] _operations = new NodeOperation[16];
    private int _operationCount;

    /// <summary>Every node operation in order.</summary>
    public ReadOnlySpan<NodeOperation> Operations => _operations.AsSpan(0, _operationCount);

    /// <summary>Topology version after this commit.</summary>
    public long TopologyVersion { get; internal set; }

    /// <summary>Nodes removed, with the index each had when removed.</summary>
    public ReadOnlySpan<NodeChange> Removed => _removed.AsSpan(0, _removedCount);

    /// <summary>Nodes moved by swap-with-last removals, in order.</summary>
    public ReadOnlySpan<NodeMove> Moved => _moved.AsSpan(0, _movedCount);

    /// <summary>Nodes added, with their index.</summary>
    public ReadOnlySpan<NodeChange> Added => _added.AsSpan(0, _addedCount);

    /// <summary>Nodes or edges appeared or disappeared (the CSR was rebuilt).</summary>
    public bool TopologyChanged { get; internal set; }

    /// <summary>Only edge weights changed (CSR weights updated in place).</summary>
    public bool WeightsChanged { get; internal set; }

    /// <summary>Whether anything changed.</summary>
    public bool HasChanges => TopologyChanged || WeightsChanged;

    internal void Clear()
    {
        _removedCount = _movedCount = _addedCount = _operationCount = 0;
        TopologyChanged = WeightsChanged = false;
    }

    internal void AddRemoved(NodeChange change)
    {
        Append(ref _removed, ref _removedCount, change);
        Append(ref _operations, ref _operationCount, new NodeOperation(NodeOperationKind.Removed, change.NodeId, change.Index, change.Index));
    }

    internal void AddMoved(NodeMove move)
    {
        Append(ref _moved, ref _movedCount, move);
        Append(ref _operations, ref _operationCount, new NodeOperation(NodeOperationKind.Moved, move.NodeId, move.ToIndex, move.FromIndex));
    }

    internal void AddAdded(NodeChange change)
    {
        Append(ref _added, ref _addedCount, change);
        Append(ref _operations, ref _operationCount, new NodeOperation(NodeOperationKind.Added, change.NodeId, change.Index, change.Index));
    }

    private static void Append<T>(ref T[] items, ref int count, T item)
    {
        if (count == items.Length) Array.Resize(ref items, items.Length * 2);
        items[count++] = item;
    }
}

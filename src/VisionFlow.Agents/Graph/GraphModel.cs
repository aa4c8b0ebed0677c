namespace VisionFlow.Agents.Graph;

/// <summary>
/// One graph in struct-of-arrays form: node ids by dense index with a stable id → index map (removal swaps the last
/// node into the hole and reports the move), undirected weighted edges, and a CSR adjacency (both directions, targets
/// sorted per row) rebuilt only when topology changes. Weight-only changes patch the CSR in place.
/// Single owner: mutate then <see cref="Commit"/>; observers read the change list synchronously.
/// </summary>
public sealed class GraphModel
{
    private readonly Dictionary<uint, int> _indexById = [];
    private readonly Dictionary<ulong, float> _edges = [];
    private GraphChangeList _changes = new();
    private GraphChangeList _published = new();
    private uint[] _ids = new uint[16];
    private int _count;
    private int[] _offsets = [0];
    private int[] _targets = [];
    private float[] _weights = [];
    private bool _topologyDirty;
    private bool _weightsDirty;

    /// <summary>Nodes.</summary>
    public int NodeCount => _count;

    /// <summary>Undirected edges.</summary>
    public int EdgeCount => _edges.Count;

    /// <summary>Bumps once per commit that changed nodes or edges (never for weight-only changes).</summary>
    public long TopologyVersion { get; private set; }

    /// <summary>Node ids by index.</summary>
    public ReadOnlySpan<uint> NodeIds => _ids.AsSpan(0, _count);

    /// <summary>CSR row offsets (length NodeCount + 1) as of the last commit.</summary>
    public ReadOnlySpan<int> CsrOffsets => _offsets;

    /// <summary>CSR neighbour indices (each undirected edge appears in both rows).</summary>
    public ReadOnlySpan<int> CsrTargets => _targets;

    /// <summary>CSR weights, parallel to <see cref="CsrTargets"/>.</summary>
    public ReadOnlySpan<float> CsrWeights => _weights;

    /// <summary>Raised by <see cref="Commit"/> when something changed, on the owner's thread.</summary>
    public event Action<GraphModel, GraphChangeList>? Changed;

    /// <summary>Index of <paramref name="nodeId"/>, or -1.</summary>
    public int IndexOf(uint nodeId) => _indexById.TryGetValue(nodeId, out var index) ? index : -1;

    /// <summary>Whether the node exists.</summary>
    public bool ContainsNode(uint nodeId) => _indexById.ContainsKey(nodeId);

    /// <summary>Adds a node at the end; returns its index (the existing index when already present).</summary>
    public int AddNode(uint nodeId)
    {
        if (_indexById.TryGetValue(nodeId, out var existing)) return existing;
        if (_count == _ids.Length) Array.Resize(ref _ids, _ids.Length * 2);
        var index = _count++;
        _ids[index] = nodeId;
        _indexById.Add(nodeId, index);
        _changes.AddAdded(new NodeChange(nodeId, index));
        _topologyDirty = true;
        return index;
    }

    /// <summary>Removes a node and its edges; the last node takes its index (reported in <see cref="GraphChangeList.Moved"/>).</summary>
    public bool RemoveNode(uint nodeId)
    {
        if (!_indexById.Remove(nodeId, out var index)) return false;
        foreach (var key in _edges.Keys)
        {
            if ((uint)(key >> 32) == nodeId || (uint)key == nodeId) _edges.Remove(key);
        }

        var last = --_count;
        _changes.AddRemoved(new NodeChange(nodeId, index));
        if (index != last)
        {
            var moved = _ids[last];
            _ids[index] = moved;
            _indexById[moved] = index;
            _changes.AddMoved(new NodeMove(moved, last, index));
        }

        _topologyDirty = true;
        return true;
    }

    /// <summary>Sets (adds or re-weights) the undirected edge a–b; both nodes must exist. Self-edges are ignored.</summary>
    public bool SetEdge(uint a, uint b, float weight)
    {
        if (a == b || !_indexById.ContainsKey(a) || !_indexById.ContainsKey(b)) return false;
        var key = EdgeKey(a, b);
        if (_edges.TryGetValue(key, out var old))
        {
            if (old == weight) return true;
            _edges[key] = weight;
            if (!_topologyDirty) PatchWeight(a, b, weight);
            _weightsDirty = true;
            return true;
        }

        _edges.Add(key, weight);
        _topologyDirty = true;
        return true;
    }

    /// <summary>Removes the edge a–b.</summary>
    public bool RemoveEdge(uint a, uint b)
    {
        if (!_edges.Remove(EdgeKey(a, b))) return false;
        _topologyDirty = true;
        return true;
    }

    /// <summary>Weight of edge a–b, or null.</summary>
    public float? EdgeWeight(uint a, uint b) => _edges.TryGetValue(EdgeKey(a, b), out var w) ? w : null;

    /// <summary>Edges as (a, b, weight), unordered.</summary>
    public IEnumerable<(uint A, uint B, float Weight)> Edges()
    {
        foreach (var (key, weight) in _edges) yield return ((uint)(key >> 32), (uint)key, weight);
    }

    /// <summary>Removes every node and edge.</summary>
    public void Clear()
    {
        for (var i = _count - 1; i >= 0; i--) RemoveNode(_ids[i]);
    }

    /// <summary>
    /// Publishes pending changes: rebuilds the CSR and bumps the version only when topology changed. The returned list
    /// (also passed to <see cref="Changed"/>) stays valid until the next commit.
    /// </summary>
    public GraphChangeList Commit()
    {
        var changes = _changes;
        changes.TopologyChanged = _topologyDirty;
        changes.WeightsChanged = _weightsDirty && !_topologyDirty;
        if (_topologyDirty)
        {
            RebuildCsr();
            TopologyVersion++;
        }

        changes.TopologyVersion = TopologyVersion;
        _topologyDirty = _weightsDirty = false;
        // Double-buffered: the published list stays readable until the next commit while new changes collect in the other.
        _changes = _published;
        _changes.Clear();
        _published = changes;
        if (changes.HasChanges) Changed?.Invoke(this, changes);
        return changes;
    }

    private void RebuildCsr()
    {
        var offsets = _offsets.Length == _count + 1 ? _offsets : new int[_count + 1];
        Array.Clear(offsets);
        foreach (var key in _edges.Keys)
        {
            offsets[_indexById[(uint)(key >> 32)] + 1]++;
            offsets[_indexById[(uint)key] + 1]++;
        }

        for (var i = 0; i < _count; i++) offsets[i + 1] += offsets[i];
        var total = offsets[_count];
        var targets = _targets.Length == total ? _targets : new int[total];
        var weights = _weights.Length == total ? _weights : new float[total];
        Span<int> cursor = _count <= 1024 ? stackalloc int[_count] : new int[_count];
        offsets.AsSpan(0, _count).CopyTo(cursor);
        foreach (var (key, weight) in _edges)
        {
            var a = _indexById[(uint)(key >> 32)];
            var b = _indexById[(uint)key];
            targets[cursor[a]] = b;
            weights[cursor[a]++] = weight;
            targets[cursor[b]] = a;
            weights[cursor[b]++] = weight;
        }

        for (var i = 0; i < _count; i++)
        {
            var start = offsets[i];
            var length = offsets[i + 1] - start;
            if (length > 1) targets.AsSpan(start, length).Sort(weights.AsSpan(start, length));
        }

        _offsets = offsets;
        _targets = targets;
        _weights = weights;
    }

    private void PatchWeight(uint a, uint b, float weight)
    {
        var ia = _indexById[a];
        var ib = _indexById[b];
        PatchRow(ia, ib, weight);
        PatchRow(ib, ia, weight);
    }

    private void PatchRow(int row, int target, float weight)
    {
        var start = _offsets[row];
        var found = _targets.AsSpan(start, _offsets[row + 1] - start).BinarySearch(target);
        if (found >= 0) _weights[start + found] = weight;
    }

    private static ulong EdgeKey(uint a, uint b) => a < b ? ((ulong)a << 32) | b : ((ulong)b << 32) | a;
}

namespace VisionFlow.Physics.Loop;

/// <summary>
/// One graph handed to the loop by <see cref="PhysicsLoop.SubmitTopology"/>: ids and symmetric CSR in buffers that are
/// reused across submissions, since the graph service resubmits ten times a second and almost every resubmission only
/// moves edge weights (applied in place, nothing to keep).
/// </summary>
internal sealed class TopologySubmission
{
    private uint[] _ids = [];
    private int[] _offsets = [0];
    private int[] _targets = [];
    private float[] _weights = [];
    private int _nodes;
    private int _entries;

    public ReadOnlySpan<uint> Ids => _ids.AsSpan(0, _nodes);

    public ReadOnlySpan<int> Offsets => _offsets.AsSpan(0, _nodes + 1);

    public ReadOnlySpan<int> Targets => _targets.AsSpan(0, _entries);

    public ReadOnlySpan<float> Weights => _weights.AsSpan(0, _entries);

    /// <summary>Copies <paramref name="ids"/> and builds the CSR of <paramref name="edges"/>, growing the buffers only when they are too small.</summary>
    public void Fill(ReadOnlySpan<uint> ids, ReadOnlySpan<(int A, int B, float Weight)> edges)
    {
        _nodes = ids.Length;
        ScratchArray.Ensure(ref _ids, _nodes);
        ids.CopyTo(_ids);
        ScratchArray.Ensure(ref _offsets, _nodes + 1);
        var offsets = _offsets.AsSpan(0, _nodes + 1);
        _entries = LayoutGraph.CountCsr(edges, offsets);
        ScratchArray.Ensure(ref _targets, _entries);
        ScratchArray.Ensure(ref _weights, _entries);
        LayoutGraph.FillCsr(edges, offsets, _targets.AsSpan(0, _entries), _weights.AsSpan(0, _entries));
    }
}

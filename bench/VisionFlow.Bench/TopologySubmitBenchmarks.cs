using BenchmarkDotNet.Attributes;
using VisionFlow.Physics.Loop;
using VisionFlow.Server.Graph;

namespace VisionFlow.Bench;

/// <summary>
/// What the graph service's rebuilds (up to ten a second) cost the submitting thread at 10,000 nodes and 20,000 edges:
/// a whole topology handed over with only its weights changed (what every agent update used to be), against what is
/// handed over now — 100 changed weights by node ids, or, for an unchanged build (an agent's status or CPU changed),
/// nothing after <see cref="PhysicsFeed"/>'s comparison — and copying the ids alone as the floor.
/// </summary>
[MemoryDiagnoser]
public class TopologySubmitBenchmarks
{
    private const int Nodes = 10_000;
    private readonly uint[] _ids = new uint[Nodes];
    private readonly uint[] _copy = new uint[Nodes];
    private (int A, int B, float Weight)[] _edges = [];
    private (int A, int B, float Weight)[] _heavier = [];
    private (uint A, uint B, float Weight)[] _weights = [];
    private (uint A, uint B, float Weight)[] _heavierWeights = [];
    private PhysicsLoop _loop = null!;
    private PhysicsLoop _fedLoop = null!;
    private PhysicsFeed _feed = null!;
    private int _turn;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(5);
        for (var i = 0; i < Nodes; i++) _ids[i] = (uint)(i + 1) | (i % 5 == 0 ? 0x80000000u : 0);
        _edges = [.. Enumerable.Range(0, Nodes * 2).Select(_ => (rng.Next(Nodes), rng.Next(Nodes), 1f))];
        _heavier = [.. _edges.Select(e => (e.A, e.B, e.Weight * 2f))];

        // Not started: this measures the submitting thread's share (the loop applies weights in place).
        _loop = new PhysicsLoop(new PhysicsLoopOptions { Backend = BackendPreference.Cpu }, TimeProvider.System);
        for (var i = 0; i < 3; i++) Submit();
        _weights = [.. _edges.Take(100).Select(e => (_ids[e.A], _ids[e.B], 3f))];
        _heavierWeights = [.. _weights.Select(w => (w.A, w.B, 4f))];
        for (var i = 0; i < 3; i++) SubmitWeights();
        _fedLoop = new PhysicsLoop(new PhysicsLoopOptions { Backend = BackendPreference.Cpu }, TimeProvider.System);
        _feed = new PhysicsFeed(_fedLoop);
        _feed.Hand(_ids, _edges);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _loop.Dispose();
        _fedLoop.Dispose();
    }

    [Benchmark(Baseline = true, Description = "copy 10k ids (floor)")]
    public uint CopyIds()
    {
        _ids.CopyTo(_copy, 0);
        return _copy[^1];
    }

    [Benchmark(Description = "SubmitTopology, weights only, 10k nodes / 20k edges")]
    public void Submit() => _loop.SubmitTopology(_ids, (_turn++ & 1) == 0 ? _edges : _heavier);

    [Benchmark(Description = "SubmitWeights, 100 changed edges by node ids")]
    public void SubmitWeights() => _loop.SubmitWeights((_turn++ & 1) == 0 ? _weights : _heavierWeights);

    [Benchmark(Description = "PhysicsFeed.Hand, unchanged build of 10k nodes / 20k edges (nothing handed over)")]
    public bool HandUnchanged() => _feed.Hand(_ids, _edges) == LayoutChange.None;
}

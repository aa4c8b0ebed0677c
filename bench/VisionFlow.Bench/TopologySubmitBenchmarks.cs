using BenchmarkDotNet.Attributes;
using VisionFlow.Physics.Loop;

namespace VisionFlow.Bench;

/// <summary>
/// The graph service's ten-times-a-second resubmission to physics at 10,000 nodes and 20,000 edges: a weights-only
/// change (what almost every agent update is) against copying the ids alone, the least any submission could do.
/// </summary>
[MemoryDiagnoser]
public class TopologySubmitBenchmarks
{
    private const int Nodes = 10_000;
    private readonly uint[] _ids = new uint[Nodes];
    private readonly uint[] _copy = new uint[Nodes];
    private (int A, int B, float Weight)[] _edges = [];
    private (int A, int B, float Weight)[] _heavier = [];
    private PhysicsLoop _loop = null!;
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
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Dispose();

    [Benchmark(Baseline = true, Description = "copy 10k ids (floor)")]
    public uint CopyIds()
    {
        _ids.CopyTo(_copy, 0);
        return _copy[^1];
    }

    [Benchmark(Description = "SubmitTopology, weights only, 10k nodes / 20k edges")]
    public void Submit() => _loop.SubmitTopology(_ids, (_turn++ & 1) == 0 ? _edges : _heavier);
}

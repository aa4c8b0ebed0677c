using BenchmarkDotNet.Attributes;
using VisionFlow.Server.Streaming;

namespace VisionFlow.Bench;

/// <summary>
/// WebSocket frame encoding for one client at 10,000 nodes: a complete frame, and a delta where 10 % of the nodes
/// moved. Baseline: copying the same number of bytes (the floor any encoder has to pay).
/// </summary>
[MemoryDiagnoser]
public class FrameEncodingBenchmarks
{
    private const int Nodes = 10_000;
    private NodeSnapshot _a = NodeSnapshot.Empty;
    private NodeSnapshot _b = NodeSnapshot.Empty;
    private ClientFrameState _state = null!;
    private byte[] _copySource = [];
    private byte[] _copyTarget = [];
    private bool _flip;

    [GlobalSetup]
    public void Setup()
    {
        var ids = new uint[Nodes];
        var pa = new float[Nodes * 6];
        var pb = new float[Nodes * 6];
        var random = new Random(7);
        for (var i = 0; i < Nodes; i++)
        {
            ids[i] = i % 5 == 0 ? 0x80000000u | (uint)i : (uint)i;
            for (var k = 0; k < 3; k++)
            {
                pa[(i * 6) + k] = (float)(random.NextDouble() * 1000);
                pb[(i * 6) + k] = pa[(i * 6) + k] + (i % 10 == 0 ? 1f : 0f);
            }
        }

        _a = new NodeSnapshot(ids, pa, 1, 1);
        _b = new NodeSnapshot(ids, pb, 1, 2);
        _state = new ClientFrameState(0.5f);
        _state.Encode(_a);
        _copySource = new byte[Nodes * NodeFrameEncoder.RecordSize];
        _copyTarget = new byte[Nodes * NodeFrameEncoder.RecordSize];
    }

    [Benchmark(Baseline = true, Description = "copy 280 KB (floor)")]
    public void CopyFloor() => _copySource.AsSpan().CopyTo(_copyTarget);

    [Benchmark(Description = "complete frame, 10k nodes")]
    public int Complete()
    {
        _state.RequestComplete();
        return _state.Encode(_a).Length;
    }

    [Benchmark(Description = "delta frame, 10k nodes, 10% moved")]
    public int Delta()
    {
        _flip = !_flip;
        return _state.Encode(_flip ? _b : _a).Length;
    }
}

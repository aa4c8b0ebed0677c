using BenchmarkDotNet.Attributes;
using VisionFlow.History.Recording;

namespace VisionFlow.Bench.History;

/// <summary>
/// Appending one realistic 10 Hz change set of 1,000 agents (CPU, memory and tokens of each, a status flip for about
/// one in thirty, a few edges) against computing the same change set with recording off, in the same run. The
/// recorder's writer loop (compression, writes, syncs) runs on its own thread and is not in these times: see
/// <c>history cost</c> for the process CPU.
/// </summary>
[MemoryDiagnoser]
public class HistoryAppendBenchmarks
{
    private string _dir = null!;
    private HistoryRecorder _recorder = null!;
    private RealisticSwarm _on = null!;
    private RealisticSwarm _off = null!;

    [Params(0, 1000)]
    public int GaugeIntervalMs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "vf-history-bench", Guid.NewGuid().ToString("N"));
        _recorder = new HistoryRecorder(new HistoryRecorderOptions { Directory = _dir, MaxBytes = 1024L * 1024 * 1024, GaugeInterval = TimeSpan.FromMilliseconds(GaugeIntervalMs) });
        _on = new RealisticSwarm(1000);
        _off = new RealisticSwarm(1000);
        _on.Start(_recorder);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _recorder.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_dir, true);
    }

    [Benchmark(Baseline = true, Description = "1,000 changes, recording off")]
    public void RecordingOff() => _off.Tick(default(RecordingBatch));

    [Benchmark(Description = "1,000 changes, recorded")]
    public void Recorded() => _on.Tick(_recorder);
}

using System.Diagnostics;
using System.Globalization;

namespace VisionFlow.Bench;

/// <summary>
/// `agents-throughput [seconds]`: runs the intake benchmark bodies in a loop and reports events per wall second and per
/// CPU second of this process, and bytes allocated per event (by this thread; by every thread for the wire rows, whose
/// read loop and intake loop run on their own). CPU time is the figure to trust on a shared, loaded machine
/// (BenchmarkDotNet measures wall time, which includes time the scheduler gave to other processes).
/// </summary>
internal static class AgentsThroughputHarness
{
    public static int Run(double seconds)
    {
        var bench = new AgentsIntakeBenchmarks();
        bench.Setup();
        Console.WriteLine("== parse + stage + apply (framed bytes -> applied change set) ==");
        Measure(seconds, () => bench.ParseApplyToChangeSet(), allThreads: false);
        Console.WriteLine("== push ring (post + drain) + parse + stage + apply ==");
        Measure(seconds, () => bench.PushRingToChangeSet(), allThreads: false);
        Console.WriteLine("== parse only ==");
        Measure(seconds, () => bench.ParseOnly(), allThreads: false);
        Console.WriteLine("== parse only, Utf8JsonReader path alone (the parser before the flat-line tokenizer) ==");
        Measure(seconds, () => bench.ParseOnlyReader(), allThreads: false);
        foreach (var shape in new[] { "push", "notification" })
        {
            // The read loop and the intake's loop on their own threads, as in the service: process CPU covers both.
            using var wire = new AgentsWireBenchmarks { Shape = shape };
            wire.Setup();
            Console.WriteLine($"== read loop, {shape} lines: pipe bytes -> JSON-RPC read loop -> session feed (taken, not parsed) ==");
            Measure(seconds, () => wire.ReadLoopToFeed().GetAwaiter().GetResult(), allThreads: true);
            Console.WriteLine($"== wire, {shape} lines: pipe bytes -> JSON-RPC read loop -> session feed -> intake loop (two threads) ==");
            Measure(seconds, () => wire.WireToChangeSet(), allThreads: true);
        }

        return 0;
    }

    private static void Measure(double seconds, Action body, bool allThreads)
    {
        for (var i = 0; i < 50; i++) body();
        var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var allocStart = allThreads ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();
        var gcStart = GC.CollectionCount(0);
        var wall = Stopwatch.StartNew();
        long batches = 0;
        while (wall.Elapsed.TotalSeconds < seconds)
        {
            body();
            batches++;
        }

        wall.Stop();
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuStart).TotalSeconds;
        var allocated = (allThreads ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread()) - allocStart;
        var events = batches * AgentsIntakeBenchmarks.LinesPerBatch;
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"events: {events:N0} in {batches:N0} batches of {AgentsIntakeBenchmarks.LinesPerBatch:N0}"));
        Console.WriteLine(string.Create(c, $"wall: {wall.Elapsed.TotalSeconds:F2} s -> {events / wall.Elapsed.TotalSeconds:N0} events/s"));
        Console.WriteLine(string.Create(c, $"cpu:  {cpu:F2} s -> {events / cpu:N0} events/cpu-s ({cpu * 1e9 / events:F0} ns/event)"));
        Console.WriteLine(string.Create(c, $"allocated: {allocated:N0} B -> {(double)allocated / events:F4} B/event; gen0 collections: {GC.CollectionCount(0) - gcStart}"));
    }
}
